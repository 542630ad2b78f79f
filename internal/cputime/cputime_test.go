package cputime

import "testing"

// TestUsedGrows checks that work done shows as CPU time used, where the
// system measures it.
func TestUsedGrows(t *testing.T) {
	before := Used()
	x := 0
	for i := range 50_000_000 {
		x ^= i * i
	}
	after := Used()
	if after == 0 {
		t.Skip("not measured on this system")
	}
	if after <= before {
		t.Errorf("CPU time %v, then %v after work (%d)", before, after, x)
	}
}
