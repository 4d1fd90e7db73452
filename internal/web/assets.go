package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"strings"

	"github.com/tandemhq/tandem/internal/tandem"
)

//go:embed static
var staticFS embed.FS

// assets serves the embedded static files at fingerprinted URLs
// (/static/app.3f2a9c1d.css), cached for a year; a changed file gets a new
// URL. With a directory set (development), files are read from disk on
// every request and the fingerprint is left out.
type assets struct {
	dir     string
	byName  map[string]string // "app.css" -> "app.3f2a9c1d.css"
	byPrint map[string][]byte // "app.3f2a9c1d.css" -> content
}

func loadAssets(dir string) (*assets, error) {
	a := &assets{dir: dir, byName: map[string]string{}, byPrint: map[string][]byte{}}
	if dir != "" {
		return a, nil
	}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := path.Base(p)
		sum := sha256.Sum256(b)
		ext := path.Ext(name)
		printed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
		a.byName[name] = printed
		a.byPrint[printed] = b
		return nil
	})
	return a, err
}

// url returns the URL of a static file by its plain name.
func (a *assets) url(name string) string {
	if p, ok := a.byName[name]; ok {
		return "/static/" + p
	}
	return "/static/" + name
}

func (s *server) static(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("file")
	var b []byte
	if s.assets.dir != "" {
		var err error
		if b, err = os.ReadFile(path.Join(s.assets.dir, path.Base(name))); err != nil {
			return tandem.ErrNotFound
		}
		w.Header().Set("Cache-Control", "no-cache")
	} else {
		var ok bool
		if b, ok = s.assets.byPrint[name]; !ok {
			return tandem.ErrNotFound
		}
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	}
	if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Write(b)
	return nil
}
