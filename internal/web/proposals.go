package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/proposal"
	"github.com/tandemhq/tandem/internal/web/views"
)

// Pages and API of the partner's proposals for improvement and risk
// warnings.

func (s *server) proposalList(w http.ResponseWriter, r *http.Request) error {
	return s.proposalsPage(w, r, http.StatusOK, views.Form{}, 0, views.Form{})
}

func (s *server) proposalsPage(w http.ResponseWriter, r *http.Request, status int, raise views.Form, decideID int64, decide views.Form) error {
	st := state(r)
	p, l := st.principal, st.loc
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	pg := pageOf(q, listLimit)
	ps, total, err := s.db.Proposals.ListPage(r.Context(), p, e.ID, q.Get("kind"), pg)
	if err != nil {
		return err
	}
	d := views.ProposalsData{Engagement: e, Proposals: ps,
		Pager: views.Pager{Total: total, Offset: pg.Offset, Limit: pg.Limit, Query: q, Path: r.URL.Path}, Raise: raise, DecideID: decideID, Decide: decide,
		CanRaise: proposal.MayRaise(p.Role, e), Role: p.Role,
		Kinds: options(l, "proposal.kind.", proposal.Kinds, "")}
	if d.CanRaise {
		if d.Deliverables, err = s.deliverableOptions(r, e.ID); err != nil {
			return err
		}
	}
	s.render(w, r, status, views.Proposals(s.nav(r, l.T("proposal.title"), "engagements"), d))
	return nil
}

func (s *server) proposalRaise(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	x := &proposal.Proposal{EngagementID: e.ID, Kind: f.Get("kind"), Title: f.Get("title"), Text: f.Get("text"),
		DeliverableID: formID(f.Get("deliverable_id"))}
	if err := s.db.Proposals.Raise(r.Context(), state(r).principal, x); err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.proposalsPage(w, r, invalidStatus(err), f, 0, views.Form{})
	}
	return redirect(w, r, recordPath("/engagements", e.ID)+"/proposals#proposal-"+strconv.FormatInt(x.ID, 10))
}

// proposalOf loads the {proposal} of the {id} engagement.
func (s *server) proposalOf(r *http.Request, e *engagement.Engagement) (*proposal.Proposal, error) {
	id, err := subID(r, "proposal")
	if err != nil {
		return nil, err
	}
	return s.db.Proposals.Get(r.Context(), state(r).principal, e.ID, id)
}

func (s *server) proposalDecide(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	x, err := s.proposalOf(r, e)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	if err := s.db.Proposals.Decide(r.Context(), state(r).principal, e.ID, x.ID, proposal.Decision{Status: f.Get("decision"), Comment: f.Get("comment")}); err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.proposalsPage(w, r, invalidStatus(err), views.Form{}, x.ID, f)
	}
	return redirect(w, r, recordPath("/engagements", e.ID)+"/proposals#proposal-"+strconv.FormatInt(x.ID, 10))
}

// The JSON API.

type apiProposal struct {
	ID            int64      `json:"id"`
	EngagementID  int64      `json:"engagement_id"`
	Kind          string     `json:"kind"`
	Title         string     `json:"title"`
	Text          string     `json:"text"`
	DeliverableID *int64     `json:"deliverable_id"`
	RaisedBy      string     `json:"raised_by"`
	RaisedAt      time.Time  `json:"raised_at"`
	Status        string     `json:"status"`
	DecidedBy     string     `json:"decided_by,omitempty"`
	DecidedAt     *time.Time `json:"decided_at"`
	Comment       string     `json:"comment"`
}

func toAPIProposal(x *proposal.Proposal) apiProposal {
	return apiProposal{ID: x.ID, EngagementID: x.EngagementID, Kind: x.Kind, Title: x.Title, Text: x.Text, DeliverableID: optID(x.DeliverableID),
		RaisedBy: x.RaisedByName, RaisedAt: x.RaisedAt, Status: x.Status, DecidedBy: x.DecidedByName, DecidedAt: optTime(x.DecidedAt), Comment: x.Comment}
}

func (s *server) apiProposalList(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	pg := apiPage(r)
	ps, total, err := s.db.Proposals.ListPage(r.Context(), state(r).principal, id, r.URL.Query().Get("kind"), pg)
	if err != nil {
		return err
	}
	out := apiList[apiProposal]{Items: make([]apiProposal, len(ps)), Total: total, Limit: pg.Limit, Offset: pg.Offset}
	for i := range ps {
		out.Items[i] = toAPIProposal(&ps[i])
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *server) apiProposalRaise(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Kind          string `json:"kind"`
		Title         string `json:"title"`
		Text          string `json:"text"`
		DeliverableID int64  `json:"deliverable_id"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	x := &proposal.Proposal{EngagementID: id, Kind: in.Kind, Title: in.Title, Text: in.Text, DeliverableID: in.DeliverableID}
	if err := s.db.Proposals.Raise(r.Context(), state(r).principal, x); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toAPIProposal(x))
	return nil
}

func (s *server) apiProposalDecide(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	x, err := s.proposalOf(r, e)
	if err != nil {
		return err
	}
	var in struct {
		Decision string `json:"decision"`
		Comment  string `json:"comment"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	p := state(r).principal
	if err := s.db.Proposals.Decide(r.Context(), p, e.ID, x.ID, proposal.Decision{Status: in.Decision, Comment: in.Comment}); err != nil {
		return err
	}
	if x, err = s.db.Proposals.Get(r.Context(), p, e.ID, x.ID); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIProposal(x))
	return nil
}
