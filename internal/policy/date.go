package policy

import "fmt"

// Date is a calendar date with the precision of its source: a year alone, a
// year and month, or a full date. Month and Day are 0 where unknown.
type Date struct {
	Year, Month, Day int
}

// IsZero reports whether d holds no date.
func (d Date) IsZero() bool { return d.Year == 0 }

// String formats d as partial ISO 8601: "2019-05-23", "2016-08" or "2014";
// "" for the zero Date.
func (d Date) String() string {
	switch {
	case d.Year == 0:
		return ""
	case d.Month == 0:
		return fmt.Sprintf("%04d", d.Year)
	case d.Day == 0:
		return fmt.Sprintf("%04d-%02d", d.Year, d.Month)
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// ParseDate parses the partial ISO 8601 form that String produces.
func ParseDate(s string) (Date, error) {
	var d Date
	var err error
	switch len(s) {
	case 0:
		return d, nil
	case 4:
		_, err = fmt.Sscanf(s, "%04d", &d.Year)
	case 7:
		_, err = fmt.Sscanf(s, "%04d-%02d", &d.Year, &d.Month)
	case 10:
		_, err = fmt.Sscanf(s, "%04d-%02d-%02d", &d.Year, &d.Month, &d.Day)
	default:
		err = fmt.Errorf("want YYYY, YYYY-MM or YYYY-MM-DD")
	}
	if err == nil && (d.Year < 1 || d.Month < 0 || d.Month > 12 || d.Day < 0 || d.Day > 31 || (d.Day > 0 && d.Month == 0)) {
		err = fmt.Errorf("out of range")
	}
	if err != nil {
		return Date{}, Errorf(EINVALID, "invalid date %s: %v", Quote(s), err)
	}
	return d, nil
}

// Agrees reports whether d and e can be the same day: both known and equal
// to the precision of the less precise of them (2018-07 agrees with
// 2018-07-27, 2018 with 2018-03; 2018-07-27 not with 2018-07-28).
func (d Date) Agrees(e Date) bool {
	if d.IsZero() || e.IsZero() || d.Year != e.Year {
		return false
	}
	if d.Month == 0 || e.Month == 0 || d.Month != e.Month {
		return d.Month == 0 || e.Month == 0
	}
	return d.Day == 0 || e.Day == 0 || d.Day == e.Day
}
