package corpusgen

// Size is a size of generated text, with the name a benchmark reports it
// under.
type Size struct {
	Name  string
	Bytes int
}

// BenchSizes are the sizes at which the benchmarks of parsing and ingesting
// measure that the time per MiB stays flat: up to 64 KiB short of the 8 MiB
// a file may hold.
var BenchSizes = []Size{{"64KiB", 64 << 10}, {"1MiB", 1 << 20}, {"8MiB", 8<<20 - 64<<10}}

// Shape is a kind of generated text, with the name a benchmark reports it
// under: Gen returns a text of about size bytes.
type Shape struct {
	Name string
	Gen  func(size int) []byte
}

// LongShapes are the shapes of long text the benchmarks measure: many
// sections of ordinary paragraphs (Long), and one paragraph as long as the
// text (OneParagraph).
var LongShapes = []Shape{{"sections", Long}, {"paragraph", OneParagraph}}
