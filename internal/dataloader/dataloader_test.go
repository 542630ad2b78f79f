package dataloader

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestBatches(t *testing.T) {
	var calls atomic.Int32
	var mu sync.Mutex
	var seen [][]int
	l := New(func(ctx context.Context, keys []int) (map[int]string, error) {
		calls.Add(1)
		mu.Lock()
		seen = append(seen, keys)
		mu.Unlock()
		out := map[int]string{}
		for _, k := range keys {
			if k%10 != 0 {
				out[k] = string(rune('a' + k%26))
			}
		}
		return out, nil
	}, 20*time.Millisecond, 100)
	var wg sync.WaitGroup
	for i := 1; i <= 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := l.Load(context.Background(), i)
			want := string(rune('a' + i%26))
			if i%10 == 0 {
				want = ""
			}
			if err != nil || v != want {
				t.Errorf("Load(%d) = %q, %v; want %q", i, v, err, want)
			}
		}()
	}
	wg.Wait()
	if calls.Load() != 1 {
		t.Errorf("%d fetches for 50 concurrent loads, want 1: %v", calls.Load(), seen)
	}
	// Cached: no more fetches.
	if v, _ := l.Load(context.Background(), 3); v != "d" || calls.Load() != 1 {
		t.Errorf("cached load: %q, %d fetches", v, calls.Load())
	}
}

func TestMaxBatchAndErrors(t *testing.T) {
	var calls atomic.Int32
	boom := errors.New("boom")
	l := New(func(ctx context.Context, keys []int) (map[int]int, error) {
		calls.Add(1)
		if len(keys) > 3 {
			return nil, errors.New("batch too large")
		}
		return nil, boom
	}, time.Hour, 3)
	vs, err := l.LoadMany(context.Background(), []int{1, 2, 3, 4, 5, 6})
	if !errors.Is(err, boom) || vs != nil {
		t.Errorf("LoadMany = %v, %v; want boom", vs, err)
	}
	if calls.Load() != 2 {
		t.Errorf("%d fetches of at most 3 keys for 6 keys, want 2", calls.Load())
	}
}

func TestPrime(t *testing.T) {
	l := New(func(ctx context.Context, keys []string) (map[string]int, error) {
		t.Errorf("fetch called for %v", keys)
		return nil, nil
	}, time.Millisecond, 10)
	l.Prime("a", 1)
	if v, err := l.Load(context.Background(), "a"); v != 1 || err != nil {
		t.Errorf("Load(a) = %d, %v", v, err)
	}
}

func TestContextCancelled(t *testing.T) {
	l := New(func(ctx context.Context, keys []int) (map[int]int, error) {
		return nil, nil
	}, time.Hour, 10)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.Load(ctx, 1); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestLoadNow(t *testing.T) {
	var calls atomic.Int32
	l := New(func(ctx context.Context, keys []int) (map[int]int, error) {
		calls.Add(1)
		return map[int]int{keys[0]: keys[0] * 2}, nil
	}, time.Hour, 10)
	start := time.Now()
	if v, err := l.LoadNow(context.Background(), 21); v != 42 || err != nil {
		t.Errorf("LoadNow = %d, %v", v, err)
	}
	if time.Since(start) > time.Second {
		t.Error("LoadNow waited for a batch")
	}
	if v, _ := l.Load(context.Background(), 21); v != 42 || calls.Load() != 1 {
		t.Errorf("cached value %d after %d fetches", v, calls.Load())
	}
}
