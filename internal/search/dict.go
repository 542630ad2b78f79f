package search

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// dictionary loads what the analysis needs, above all the dictionary of the
// tokenizer (tens to hundreds of megabytes, the longest part of opening an
// index). Its load function is the one place where the index lifecycle
// reaches the dictionary, whichever tokenizer and dictionary the analysis
// uses.
var dictionary = &dictLoader{load: func() error {
	_, err := japanese()
	return err
}}

// dictLoader runs load once, in the background.
type dictLoader struct {
	load func() error

	once sync.Once
	done chan struct{}
	err  error
	took time.Duration
}

func (d *dictLoader) start() {
	d.once.Do(func() {
		d.done = make(chan struct{})
		go func() {
			defer close(d.done)
			start := time.Now()
			defer func() {
				if r := recover(); r != nil {
					d.err = fmt.Errorf("%v", r)
				}
				d.took = time.Since(start)
			}()
			d.err = d.load()
		}()
	})
}

// PreloadDictionary starts loading the dictionary in the background, so
// that it loads while the caller does other work (opening the store,
// loading a corpus).
func PreloadDictionary() { dictionary.start() }

// LoadDictionary loads the dictionary once per process and waits for it
// until ctx is done. The load cannot be stopped: when ctx is done first it
// goes on in the background (touching no file), for the next caller.
func LoadDictionary(ctx context.Context) error {
	d := dictionary
	d.start()
	select {
	case <-d.done:
		if d.err != nil {
			return fmt.Errorf("load the dictionary: %w", d.err)
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// DictionaryLoadTime returns how long loading the dictionary took, once it
// is loaded, and 0 before.
func DictionaryLoadTime() time.Duration {
	d := dictionary
	d.start()
	select {
	case <-d.done:
		return d.took
	default:
		return 0
	}
}
