package knowledge

import (
	"sort"

	"github.com/tandemhq/tandem/internal/tandem"
)

// How a person knows an area.
type How string

// Ways of knowing an area.
const (
	Wrote    How = "wrote"    // wrote a version of one of its pages
	Reviewed How = "reviewed" // reviewed one of its pages
	Named    How = "named"    // named as able to run it
)

// Source is one reason to believe a person knows an area: they wrote or
// reviewed one of its pages, or were named as able to run it. Active is
// false for a person no longer in the workspace (their membership was
// removed): they have already left and count for nobody.
type Source struct {
	Area   string
	UserID int64
	Name   string
	Side   tandem.Side
	How    How
	Active bool
}

// Knower is a person who knows an area, and how.
type Knower struct {
	UserID int64
	Name   string
	How    []How // in the order Wrote, Reviewed, Named
}

// Area is who knows one area, on each side, and its bus factor.
type Area struct {
	Name    string
	Client  []Knower // by name
	Partner []Knower // by name
	// BusFactor is the smallest number of people whose departure leaves
	// nobody on the client's side able to run the area. Only the client's
	// people run it for the client once the partner is gone, so it is the
	// number of the client's people who know it: 0 when only the partner
	// (or nobody) knows it.
	BusFactor int
}

// AtRisk reports whether the area is flagged: a bus factor of 1 (one
// departure and nobody on the client's side can run it) or 0 (nobody on
// the client's side can run it now).
func (a Area) AtRisk() bool { return a.BusFactor <= 1 }

// BusFactors computes, for every area named in sources, who knows it on
// each side and its bus factor; areas sorted by name. A person counts once
// per area however many ways they know it; inactive people not at all.
func BusFactors(sources []Source) []Area {
	type key struct {
		area string
		user int64
	}
	byArea := map[string]*Area{}
	knowers := map[key]*Knower{}
	sides := map[key]tandem.Side{}
	var order []key
	for _, s := range sources {
		a := byArea[s.Area]
		if a == nil {
			a = &Area{Name: s.Area}
			byArea[s.Area] = a
		}
		if !s.Active {
			continue
		}
		k := key{s.Area, s.UserID}
		kn := knowers[k]
		if kn == nil {
			kn = &Knower{UserID: s.UserID, Name: s.Name}
			knowers[k], sides[k] = kn, s.Side
			order = append(order, k)
		}
		if !hasHow(kn.How, s.How) {
			kn.How = append(kn.How, s.How)
		}
	}
	for _, k := range order {
		kn, a := knowers[k], byArea[k.area]
		sort.Slice(kn.How, func(i, j int) bool { return howRank(kn.How[i]) < howRank(kn.How[j]) })
		if sides[k] == tandem.SideClient {
			a.Client = append(a.Client, *kn)
		} else {
			a.Partner = append(a.Partner, *kn)
		}
	}
	out := make([]Area, 0, len(byArea))
	for _, a := range byArea {
		byName(a.Client)
		byName(a.Partner)
		a.BusFactor = len(a.Client)
		out = append(out, *a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// AtRiskAreas keeps the flagged areas of areas.
func AtRiskAreas(areas []Area) []Area {
	var out []Area
	for _, a := range areas {
		if a.AtRisk() {
			out = append(out, a)
		}
	}
	return out
}

func hasHow(hs []How, h How) bool {
	for _, x := range hs {
		if x == h {
			return true
		}
	}
	return false
}

func howRank(h How) int {
	switch h {
	case Wrote:
		return 0
	case Reviewed:
		return 1
	}
	return 2
}

func byName(ks []Knower) {
	sort.Slice(ks, func(i, j int) bool {
		if ks[i].Name != ks[j].Name {
			return ks[i].Name < ks[j].Name
		}
		return ks[i].UserID < ks[j].UserID
	})
}
