package cite

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/policykb/policykb/internal/policy"
	"golang.org/x/text/unicode/norm"
)

// Registry is the list of known references, with the names they are cited by.
type Registry struct {
	refs    []*policy.Reference
	byTitle map[string]*policy.Reference // NFKC title or alias → reference
	byLaw   map[string]*policy.Reference // law number → reference
	names   []nameEntry                  // names matched as whole words (form NAME)
}

type nameEntry struct {
	name []rune
	ref  *policy.Reference
}

type registryFile struct {
	References []struct {
		Slug      string   `json:"slug"`
		Title     string   `json:"title"`
		TitleEn   string   `json:"titleEn"`
		Kind      string   `json:"kind"`
		IssuedOn  string   `json:"issuedOn"`
		RevisedOn []string `json:"revisedOn"`
		Issuer    string   `json:"issuer"`
		LawNumber string   `json:"lawNumber"`
		EGovLawID string   `json:"eGovLawId"`
		Aliases   []string `json:"aliases"`
		Names     []string `json:"names"`
	} `json:"references"`
}

var slugRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// LoadRegistry reads a registry in the format of corpus/references.json and
// checks it: slugs lower-case kebab and unique, kinds and dates valid.
func LoadRegistry(data []byte) (*Registry, error) {
	var f registryFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	r := &Registry{byTitle: map[string]*policy.Reference{}, byLaw: map[string]*policy.Reference{}}
	seen := map[string]bool{}
	for _, e := range f.References {
		if !slugRe.MatchString(e.Slug) || seen[e.Slug] {
			return nil, fmt.Errorf("registry: slug %q is not lower-case kebab or not unique", e.Slug)
		}
		seen[e.Slug] = true
		ref := &policy.Reference{ID: policy.ReferenceIDPrefix + e.Slug, Title: e.Title, TitleEn: e.TitleEn,
			Kind: policy.ReferenceKind(e.Kind), Issuer: e.Issuer, LawNumber: e.LawNumber, EGovLawID: e.EGovLawID,
			Aliases: append([]string{}, e.Aliases...), RevisedOn: []policy.Date{}, Resolved: true}
		if !ref.Kind.Valid() || ref.Title == "" {
			return nil, fmt.Errorf("registry: %s: invalid kind %q or no title", e.Slug, e.Kind)
		}
		var err error
		if ref.IssuedOn, err = policy.ParseDate(e.IssuedOn); err != nil {
			return nil, fmt.Errorf("registry: %s: %w", e.Slug, err)
		}
		for _, s := range e.RevisedOn {
			d, err := policy.ParseDate(s)
			if err != nil || d.IsZero() {
				return nil, fmt.Errorf("registry: %s: bad revision date %q", e.Slug, s)
			}
			ref.RevisedOn = append(ref.RevisedOn, d)
		}
		if ref.LawNumber != "" {
			r.byLaw[normalize(ref.LawNumber)] = ref
		}
		for _, t := range append([]string{e.Title}, e.Aliases...) {
			r.byTitle[normalize(t)] = ref
		}
		for _, n := range e.Names {
			r.names = append(r.names, nameEntry{name: []rune(n), ref: ref})
		}
		r.refs = append(r.refs, ref)
	}
	return r, nil
}

// References returns every registered reference, in registry order.
func (r *Registry) References() []*policy.Reference { return r.refs }

// ByTitle returns the reference with this title or alias, or nil.
func (r *Registry) ByTitle(title string) *policy.Reference { return r.byTitle[normalize(title)] }

// ByLawNumber returns the law with this number, or nil.
func (r *Registry) ByLawNumber(n string) *policy.Reference { return r.byLaw[normalize(n)] }

// normalize folds widths and drops blanks, for matching titles.
func normalize(s string) string {
	return strings.Join(strings.Fields(norm.NFKC.String(s)), "")
}
