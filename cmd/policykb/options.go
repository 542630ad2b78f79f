package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/wareki"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// The values of options. Each says in its own words what it wants when a
// value is refused; the message of a refused value is
// "--name: invalid value "v": " and those words.

// boolValue is a switch: --force, or --force=true or false.
type boolValue bool

func (b *boolValue) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return errors.New("want true or false")
	}
	*b = boolValue(v)
	return nil
}

func (b *boolValue) String() string { return strconv.FormatBool(bool(*b)) }
func (b *boolValue) Type() string   { return "bool" }

// durationValue is a duration such as 30s.
type durationValue time.Duration

func (d *durationValue) Set(s string) error {
	v, err := time.ParseDuration(s)
	if err != nil {
		return errors.New("want a duration such as 30s or 1m30s")
	}
	*d = durationValue(v)
	return nil
}

func (d *durationValue) String() string { return time.Duration(*d).String() }
func (d *durationValue) Type() string   { return "duration" }

// intValue is a whole number from min to max.
type intValue struct{ n, min, max int }

func (v *intValue) Set(s string) error {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < v.min || n > v.max {
		return fmt.Errorf("want a whole number from %d to %d", v.min, v.max)
	}
	v.n = n
	return nil
}

func (v *intValue) String() string { return strconv.Itoa(v.n) }
func (v *intValue) Type() string   { return "int" }

// textValue is a string; typ names it where the description does not.
type textValue struct {
	s   string
	typ string
}

func (v *textValue) Set(s string) error { v.s = s; return nil }
func (v *textValue) String() string     { return v.s }
func (v *textValue) Type() string       { return v.typ }

// listValue is an option that may be given more than once; each value is
// checked by check.
type listValue struct {
	vals  []string
	check func(string) error
}

func (v *listValue) Set(s string) error {
	if v.check != nil {
		if err := v.check(s); err != nil {
			return err
		}
	}
	v.vals = append(v.vals, s)
	return nil
}
func (v *listValue) String() string { return strings.Join(v.vals, ",") }
func (v *listValue) Type() string   { return "stringList" }

// dateValue is a date as ISO 8601 (2019-05-23, 2019-05, 2019) or in 和暦
// (令和元年５月２３日).
type dateValue policy.Date

func (d *dateValue) Set(s string) error {
	if v, err := policy.ParseDate(s); err == nil {
		*d = dateValue(v)
		return nil
	}
	if v, ok := wareki.Parse(s); ok {
		*d = dateValue(v)
		return nil
	}
	return errors.New("want a date such as 2019-05-23, 2019-05 or 2019, or 令和元年5月23日")
}

func (d *dateValue) String() string { return policy.Date(*d).String() }
func (d *dateValue) Type() string   { return "date" }

// The options, by kind.

func boolOption(fs *pflag.FlagSet, name, usage string) *bool {
	var b bool
	fs.VarPF((*boolValue)(&b), name, "", usage).NoOptDefVal = "true"
	return &b
}

func durationOption(fs *pflag.FlagSet, name string, value time.Duration, usage string) *time.Duration {
	d := value
	fs.Var((*durationValue)(&d), name, usage)
	return &d
}

func intOption(fs *pflag.FlagSet, name string, value, min, max int, usage string) *int {
	v := &intValue{n: value, min: min, max: max}
	fs.Var(v, name, usage)
	return &v.n
}

func textOption(fs *pflag.FlagSet, name, value, usage string) *string {
	v := &textValue{s: value, typ: "string"}
	fs.Var(v, name, usage)
	return &v.s
}

// listOption adds an option that may be given more than once.
func listOption(fs *pflag.FlagSet, name, usage string, check func(string) error) *[]string {
	v := &listValue{check: check}
	fs.Var(v, name, usage)
	return &v.vals
}

func dateOption(fs *pflag.FlagSet, name, usage string) *policy.Date {
	var d policy.Date
	fs.Var((*dateValue)(&d), name, usage)
	return &d
}

// dataOption adds --data.
func dataOption(fs *pflag.FlagSet) *string {
	dir := textOption(fs, "data", defaultDataDir(), "the `DIR` that holds the store and its index ($POLICYKB_DATA)")
	cobra.MarkFlagDirname(fs, "data")
	return dir
}

// lockTimeoutOption adds --lock-timeout, waiting for what.
func lockTimeoutOption(fs *pflag.FlagSet, what string) *time.Duration {
	return durationOption(fs, "lock-timeout", 30*time.Second, "longest time to wait for "+what+" to finish")
}

func defaultDataDir() string {
	if d := os.Getenv("POLICYKB_DATA"); d != "" {
		return d
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "policykb")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "share", "policykb")
	}
	return "policykb-data"
}
