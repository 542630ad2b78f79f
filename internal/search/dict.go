package search

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// dictionary loads what the analysis needs, above all the dictionary of the
// tokenizer (tens to hundreds of megabytes, the longest part of opening the
// index). It is the one place where the index lifecycle reaches the
// dictionary, whichever tokenizer and dictionary the analysis uses; it must
// be safe to call more than once.
var dictionary = func() error {
	_, err := japanese()
	return err
}

var dict struct {
	once sync.Once
	done chan struct{}
	err  error
	took time.Duration
}

// PreloadDictionary starts loading the dictionary in the background, so
// that it loads while the caller does other work (opening the store,
// loading a corpus).
func PreloadDictionary() {
	dict.once.Do(func() {
		dict.done = make(chan struct{})
		go func() {
			defer close(dict.done)
			start := time.Now()
			defer func() {
				if r := recover(); r != nil {
					dict.err = fmt.Errorf("%v", r)
				}
				dict.took = time.Since(start)
			}()
			dict.err = dictionary()
		}()
	})
}

// LoadDictionary loads the dictionary once per process and waits for it
// until ctx is done. The load cannot be stopped: when ctx is done first it
// goes on in the background (touching no file), for the next caller.
func LoadDictionary(ctx context.Context) error {
	PreloadDictionary()
	select {
	case <-dict.done:
		if dict.err != nil {
			return fmt.Errorf("load the dictionary: %w", dict.err)
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// DictionaryLoadTime returns how long loading the dictionary took, once it
// is loaded, and 0 before.
func DictionaryLoadTime() time.Duration {
	PreloadDictionary()
	select {
	case <-dict.done:
		return dict.took
	default:
		return 0
	}
}
