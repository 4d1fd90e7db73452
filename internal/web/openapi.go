package web

import (
	_ "embed"
	"net/http"
)

// openAPIDoc describes every /api/v1 route; TestOpenAPIMatchesRoutes fails
// when the route table and this document disagree.
//
//go:embed openapi.json
var openAPIDoc []byte

func (s *server) apiOpenAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openAPIDoc)
	return nil
}
