package fact

import "time"

// The results of outsourced sales (issue 11). Only a result the client
// accepted — by a decision, or by letting the acceptance window run out —
// is a fact; a claim still open or disputed is not. A won deal reversed
// within the clawback period adds a negative fact; nothing is rewritten.
const (
	// LeadAccepted: a claimed qualified lead was accepted. Flag: accepted
	// by the system when the acceptance window ran out. Payload
	// LeadAcceptedData.
	LeadAccepted Kind = "sales.lead_accepted"
	// MeetingAccepted: a claimed meeting held was accepted. Flag: accepted
	// by the system. Payload MeetingAcceptedData.
	MeetingAccepted Kind = "sales.meeting_accepted"
	// DealWonAccepted: a claimed won deal was accepted. Amount: its revenue;
	// Value: the sales cycle in days (opened to won), kept in a sketch for
	// the median and the 90th percentile; Flag: accepted by the system.
	// Payload DealWonData.
	DealWonAccepted Kind = "sales.deal_won"
	// DealReversed: the client reversed an accepted won deal within the
	// clawback period (the customer cancelled). Amount: minus its revenue.
	// Payload DealReversedData.
	DealReversed Kind = "sales.deal_reversed"
	// DealLost: a deal moved to a lost stage (recorded by the pipeline;
	// built by sales.LostFact). Payload DealLostData.
	DealLost Kind = "sales.deal_lost"
	// CustomerGained and CustomerLost: an account assigned to an
	// engagement became a customer, or a customer became a former
	// customer. Value: the engagement's customers just before the change.
	// Payload CustomerChange.
	CustomerGained Kind = "sales.customer_gained"
	CustomerLost   Kind = "sales.customer_lost"
)

// Subjects of the sales facts.
const (
	SubjectClaim   Subject = "sales_claim"   // a claimed result (table sales_claims)
	SubjectDeal    Subject = "sales_deal"    // a deal of the pipeline
	SubjectAccount Subject = "sales_account" // an account of the base
)

// LeadAcceptedData is the payload of LeadAccepted.
type LeadAcceptedData struct {
	ClaimID   int64 `json:"claim_id"`
	AccountID int64 `json:"account_id"`
	Expired   bool  `json:"expired"`
}

// MeetingAcceptedData is the payload of MeetingAccepted.
type MeetingAcceptedData struct {
	ClaimID    int64     `json:"claim_id"`
	ActivityID int64     `json:"activity_id"`
	HeldAt     time.Time `json:"held_at"`
	Expired    bool      `json:"expired"`
}

// DealWonData is the payload of DealWonAccepted.
type DealWonData struct {
	ClaimID   int64  `json:"claim_id"`
	DealID    int64  `json:"deal_id"`
	OpenedOn  string `json:"opened_on"` // YYYY-MM-DD
	WonOn     string `json:"won_on"`
	CycleDays int64  `json:"cycle_days"`
	Expired   bool   `json:"expired"`
}

// DealReversedData is the payload of DealReversed.
type DealReversedData struct {
	ClaimID int64  `json:"claim_id"`
	DealID  int64  `json:"deal_id"`
	Reason  string `json:"reason"`
}

// DealLostData is the payload of DealLost.
type DealLostData struct {
	DealID   int64  `json:"deal_id"`
	Reason   string `json:"reason"`
	OpenedOn string `json:"opened_on"`
}

// CustomerChange is the payload of CustomerGained and CustomerLost (by
// Lost).
type CustomerChange struct {
	Lost      bool   `json:"-"`
	AccountID int64  `json:"account_id"`
	From      string `json:"from"`
	To        string `json:"to"`
	Base      int64  `json:"base"` // customers of the engagement before the change
}

func (LeadAcceptedData) FactKind() Kind    { return LeadAccepted }
func (MeetingAcceptedData) FactKind() Kind { return MeetingAccepted }
func (DealWonData) FactKind() Kind         { return DealWonAccepted }
func (DealReversedData) FactKind() Kind    { return DealReversed }
func (DealLostData) FactKind() Kind        { return DealLost }

// FactKind is CustomerGained or CustomerLost.
func (c CustomerChange) FactKind() Kind {
	if c.Lost {
		return CustomerLost
	}
	return CustomerGained
}

func init() {
	specs = append(specs,
		Spec{Kind: LeadAccepted, Subject: SubjectClaim, ReadBy: []string{"sales claims", "invoice"}, decode: func(Kind) Payload { return &LeadAcceptedData{} }},
		Spec{Kind: MeetingAccepted, Subject: SubjectClaim, ReadBy: []string{"sales claims", "invoice"}, decode: func(Kind) Payload { return &MeetingAcceptedData{} }},
		Spec{Kind: DealWonAccepted, Subject: SubjectClaim, SketchField: "cycle_days",
			Sketch: func(p Payload) (int64, bool) {
				d, ok := p.(DealWonData)
				return d.CycleDays, ok
			},
			ReadBy: []string{"sales claims", "invoice"}, decode: func(Kind) Payload { return &DealWonData{} }},
		Spec{Kind: DealReversed, Subject: SubjectClaim, ReadBy: []string{"sales claims", "invoice"}, decode: func(Kind) Payload { return &DealReversedData{} }},
		Spec{Kind: DealLost, Subject: SubjectDeal, ReadBy: []string{"pipeline"}, decode: func(Kind) Payload { return &DealLostData{} }},
		Spec{Kind: CustomerGained, Subject: SubjectAccount, ReadBy: []string{"sales base"}, decode: func(Kind) Payload { return &CustomerChange{} }},
		Spec{Kind: CustomerLost, Subject: SubjectAccount, ReadBy: []string{"sales base"}, decode: func(Kind) Payload { return &CustomerChange{Lost: true} }},
	)
}
