package wareki

import "testing"

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" means not a date
	}{
		{"令和元年５月２３日", "2019-05-23"},
		{"令 和 元 年 ５ 月 ２ ３ 日", "2019-05-23"},
		{"令和元年5月23日", "2019-05-23"},
		{"平成28年８月", "2016-08"},
		{"平成26年", "2014"},
		{"平成三十年七月二十七日", "2018-07-27"},
		{"平成31年４月１日", "2019-04-01"},
		{"昭和64年１月７日", "1989-01-07"},
		{"平成30年2月30日", ""},
		{"令和元年13月1日", ""},
		{"令和元年", "2019"},
		{"2019年5月23日", "2019-05-23"}, {"２０２０年７月２１日", "2020-07-21"}, {"2021年9月", "2021-09"}, {"2019年2月30日", ""}, {"0019年5月1日", ""},
		{"令和", ""},
		{"", ""},
	}
	for _, tt := range tests {
		d, ok := Parse(tt.in)
		got := ""
		if ok {
			got = d.String()
		}
		if got != tt.want {
			t.Errorf("Parse(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFiscalYear(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"サイバーセキュリティ関係施策に関する令和２年度予算重点化方針", 2020},
		{"平成31年度予算重点化方針", 2019},
		{"令和元年度", 2019},
		{"予算重点化方針", 0},
	}
	for _, tt := range tests {
		got, _ := FiscalYear(tt.in)
		if got != tt.want {
			t.Errorf("FiscalYear(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}
