//go:build ignore

// A plain Go net/http hello-world on 127.0.0.1:8092: the baseline that
// wrk-writes.sh measures beside Tandem (issue 16 measures every figure
// against one). Run: go run docs/bench/hello.go
package main

import (
	"log"
	"net/http"
)

func main() {
	log.Fatal(http.ListenAndServe("127.0.0.1:8092", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("Hello, world!\n"))
	})))
}
