package policy

import "time"

// The values below are nil where the source does not give them (a zero
// number, an empty string), as the nullable fields of the GraphQL schema
// show them; the GraphQL layer binds its fields to these methods.

// FiscalYearOrNil is the fiscal year, nil where unknown.
func (d *Document) FiscalYearOrNil() *int { return nonZero(d.FiscalYear) }

// DecidedByOrNil is who decided the document, nil where unknown.
func (d *Document) DecidedByOrNil() *string { return nonEmpty(d.DecidedBy) }

// IngestedAtUTC is when the version was ingested, as RFC 3339 in UTC.
func (v *Version) IngestedAtUTC() string { return v.IngestedAt.UTC().Format(time.RFC3339) }

// NumberOrNil is the number of the provision's marker, nil for the preamble.
func (p *Provision) NumberOrNil() *int {
	if p.Kind == KindPreamble {
		return nil
	}
	n := p.Number
	return &n
}

// MarkerOrNil is the provision's marker as printed, nil where it has none.
func (p *Provision) MarkerOrNil() *string { return nonEmpty(p.Marker) }

// HeadingOrNil is the provision's heading, nil where it has none.
func (p *Provision) HeadingOrNil() *string { return nonEmpty(p.Heading) }

// TitleEnOrNil is the English title, nil where unknown.
func (r *Reference) TitleEnOrNil() *string { return nonEmpty(r.TitleEn) }

// IssuerOrNil is who issued the referenced document, nil where unknown.
func (r *Reference) IssuerOrNil() *string { return nonEmpty(r.Issuer) }

// LawNumberOrNil is the law number, nil where the reference is no law.
func (r *Reference) LawNumberOrNil() *string { return nonEmpty(r.LawNumber) }

// EGovLawIDOrNil is the e-Gov law ID, nil where unknown.
func (r *Reference) EGovLawIDOrNil() *string { return nonEmpty(r.EGovLawID) }

// PinpointOrNil is the cited part of the target, nil where none is cited.
func (c *Citation) PinpointOrNil() *string { return nonEmpty(c.Pinpoint) }

func nonZero(n int) *int {
	if n == 0 {
		return nil
	}
	return &n
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
