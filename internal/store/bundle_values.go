package store

import (
	"fmt"
	"strconv"

	"github.com/tandemhq/tandem/internal/tandem"
)

// Columns that hold another row's id inside their value rather than as a
// reference column (pkgEntity.refs): an import rewrites each id to the
// receiver's row, and PackageContent to the row's position.
//
//   - sales_claims.subject_id: by kind, an account (qualified_lead), an
//     activity (meeting_held) or a deal (deal_won);
//   - meeting_items.record_id: by source, a deliverable, notice, proposal,
//     manual value, claim, invoice dispute, action item, meeting or
//     carried item (a request's or an amendment's number is kept as is);
//   - invoice_lines.refs, invoices.unpriced, invoice_adjustments.ref:
//     "fact:12", "dispute:3", "withholding:5" inside the text;
//   - action_items.link: a record's page "/engagements/4/…",
//     "/deliverables/9", "#notice-7", "#proposal-2", "#value-5".
var pkgValueRefs = map[string]map[string]bool{
	"sales_claims":        {"subject_id": true},
	"meeting_items":       {"record_id": true},
	"invoices":            {"unpriced": true},
	"invoice_lines":       {"refs": true},
	"invoice_adjustments": {"ref": true},
	"action_items":        {"link": true},
}

func hasValueRefs(ent, col string) bool { return pkgValueRefs[ent][col] }

// pkgClaimSubject is the entity a claim's subject refers to, by kind.
var pkgClaimSubject = map[string]string{"qualified_lead": "sales_accounts", "meeting_held": "sales_activities", "deal_won": "sales_deals"}

// itemRecord is the entity an agenda item's record_id refers to, by source.
var itemRecord = map[string]string{
	"notice": "notices", "proposal": "proposals", "value": "manual_values",
	"submission": "deliverables", "deliverables_overdue": "deliverables", "returned": "deliverables", "due": "deliverables",
	"claim": "sales_claims", "disputed": "sales_claims", "invoice_dispute": "invoice_disputes",
	"action": "action_items", "action_item": "meetings", "carried": "meeting_items",
}

var (
	refToken   = tandem.LazyRegexp(`\b(fact|dispute|withholding):([0-9]+)\b`)
	refEntity  = map[string]string{"fact": "facts", "dispute": "invoice_disputes", "withholding": "invoice_adjustments"}
	linkPath   = tandem.LazyRegexp(`^/(engagements|deliverables)/([0-9]+)`)
	linkAnchor = tandem.LazyRegexp(`#(notice|proposal|value)-([0-9]+)$`)
	anchorEnt  = map[string]string{"notice": "notices", "proposal": "proposals", "value": "manual_values"}
)

// idLookup maps a package id of an entity to another id; ok false when
// it knows no such row (yet).
type idLookup func(ent string, id int64) (int64, bool, error)

// remapValue returns the value v of column col of a row r of entity ent
// with every id inside it replaced by look's; pending reports an id look
// did not know (replaced by 0 meanwhile).
func remapValue(ent, col string, r pkgRow, v any, look idLookup) (out any, pending bool, err error) {
	one := func(target string, id int64) int64 {
		if err != nil || target == "" || id == 0 {
			return id
		}
		l, ok, e := look(target, id)
		if e != nil {
			err = e
		}
		if !ok {
			pending = true
			return 0
		}
		return l
	}
	switch ent + "." + col {
	case "sales_claims.subject_id":
		return one(pkgClaimSubject[fmt.Sprint(r["kind"])], asID(v)), pending, err
	case "meeting_items.record_id":
		return one(itemRecord[fmt.Sprint(r["source"])], asID(v)), pending, err
	case "action_items.link":
		s, _ := v.(string)
		s = linkPath().ReplaceAllStringFunc(s, func(m string) string {
			p := linkPath().FindStringSubmatch(m)
			id, _ := strconv.ParseInt(p[2], 10, 64)
			return "/" + p[1] + "/" + strconv.FormatInt(one(p[1], id), 10)
		})
		s = linkAnchor().ReplaceAllStringFunc(s, func(m string) string {
			p := linkAnchor().FindStringSubmatch(m)
			id, _ := strconv.ParseInt(p[2], 10, 64)
			return "#" + p[1] + "-" + strconv.FormatInt(one(anchorEnt[p[1]], id), 10)
		})
		return s, pending, err
	}
	s, ok := v.(string)
	if !ok {
		return v, false, nil
	}
	s = refToken().ReplaceAllStringFunc(s, func(m string) string {
		p := refToken().FindStringSubmatch(m)
		id, _ := strconv.ParseInt(p[2], 10, 64)
		return p[1] + ":" + strconv.FormatInt(one(refEntity[p[1]], id), 10)
	})
	return s, pending, err
}
