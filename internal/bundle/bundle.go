// Package bundle is Tandem's handover package: the format, its manifest,
// signing and verification. It is pure — no SQL, no HTTP. See
// docs/package-format.md for the format as a third party reads it.
//
// A package is a zip archive. manifest.json names the format and version,
// when and where the package was made, its scope and, for each other file
// of the archive, its name, the entity it holds, its row count and its
// SHA-256. The manifest is signed with Ed25519 by the exporting
// installation's key; the public key and its fingerprint travel in the
// manifest, the signature in manifest.sig (base64 of the 64-byte
// signature over the exact bytes of manifest.json).
package bundle

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"sort"
	"time"
)

// Format and Version name the format in the manifest.
const (
	Format  = "tandem-package"
	Version = 1

	ManifestName  = "manifest.json"
	SignatureName = "manifest.sig"
)

// Scopes of a package.
const (
	ScopeEngagement = "engagement"
	ScopeWorkspace  = "workspace"
)

// FileEntry describes one file of the archive.
type FileEntry struct {
	Name   string `json:"name"`
	Entity string `json:"entity"` // the entity whose rows it holds, "file" for file bytes
	Rows   int    `json:"rows"`
	SHA256 string `json:"sha256"` // hex
	Size   int64  `json:"size"`
}

// Manifest is manifest.json.
type Manifest struct {
	Format         string      `json:"format"`
	Version        int         `json:"version"`
	CreatedAt      time.Time   `json:"created_at"`
	Scope          string      `json:"scope"`
	Source         string      `json:"source_installation"`
	PublicKey      string      `json:"public_key"`      // base64 of the Ed25519 public key
	KeyFingerprint string      `json:"key_fingerprint"` // Fingerprint(public key)
	Files          []FileEntry `json:"files"`
}

// Fingerprint is the hex SHA-256 of an Ed25519 public key, in groups of
// four for reading aloud.
func Fingerprint(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	h := hex.EncodeToString(sum[:16])
	var b bytes.Buffer
	for i := 0; i < len(h); i += 4 {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(h[i : i+4])
	}
	return b.String()
}

// Problem is why a package is refused.
type Problem struct {
	Kind string // one of the Bad* constants
	File string // the file concerned, "" when none
}

// The kinds of problem.
const (
	BadArchive   = "archive"   // not a zip, or no manifest
	BadManifest  = "manifest"  // unreadable manifest, wrong format or version
	BadSignature = "signature" // the signature does not match the manifest and its key
	BadHash      = "hash"      // a file's bytes do not match the manifest
	MissingFile  = "missing"   // a file named by the manifest is absent
	ExtraFile    = "extra"     // a file not named by the manifest
)

func (p *Problem) Error() string {
	if p.File != "" {
		return fmt.Sprintf("bundle: %s: %s", p.Kind, p.File)
	}
	return "bundle: " + p.Kind
}

// Writer writes a package: files first, then Close writes the signed
// manifest.
type Writer struct {
	z     *zip.Writer
	m     Manifest
	key   ed25519.PrivateKey
	names map[string]bool
}

// NewWriter starts a package on w, signed by key.
func NewWriter(w io.Writer, key ed25519.PrivateKey, scope, source string, now time.Time) *Writer {
	pub := key.Public().(ed25519.PublicKey)
	return &Writer{z: zip.NewWriter(w), key: key, names: map[string]bool{}, m: Manifest{
		Format: Format, Version: Version, CreatedAt: now.UTC(), Scope: scope, Source: source,
		PublicKey: base64.StdEncoding.EncodeToString(pub), KeyFingerprint: Fingerprint(pub)}}
}

// Add writes one file of rows rows of entity. A name is written once;
// adding it again is a no-op (file bytes are stored by hash).
func (w *Writer) Add(name, entity string, rows int, data []byte) error {
	if w.names[name] {
		return nil
	}
	if name == ManifestName || name == SignatureName {
		return fmt.Errorf("bundle: reserved name %s", name)
	}
	w.names[name] = true
	f, err := w.z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: w.m.CreatedAt})
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	w.m.Files = append(w.m.Files, FileEntry{Name: name, Entity: entity, Rows: rows, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data))})
	return nil
}

// Stream is one file of a package written piece by piece (Writer.Create),
// so that a big entity is never held in memory whole.
type Stream struct {
	w            *Writer
	f            io.Writer
	h            hash.Hash
	n            int64
	name, entity string
	// Rows is the number of rows written, recorded in the manifest.
	Rows int
}

// Create starts the file name of entity; write it, then Close it before
// the next file is created.
func (w *Writer) Create(name, entity string) (*Stream, error) {
	if w.names[name] || name == ManifestName || name == SignatureName {
		return nil, fmt.Errorf("bundle: name %s written twice or reserved", name)
	}
	w.names[name] = true
	f, err := w.z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: w.m.CreatedAt})
	if err != nil {
		return nil, err
	}
	return &Stream{w: w, f: f, h: sha256.New(), name: name, entity: entity}, nil
}

func (s *Stream) Write(p []byte) (int, error) {
	s.h.Write(p)
	s.n += int64(len(p))
	return s.f.Write(p)
}

// Close records the file in the manifest.
func (s *Stream) Close() error {
	s.w.m.Files = append(s.w.m.Files, FileEntry{Name: s.name, Entity: s.entity, Rows: s.Rows, SHA256: hex.EncodeToString(s.h.Sum(nil)), Size: s.n})
	return nil
}

// Close writes manifest.json and manifest.sig and finishes the archive.
func (w *Writer) Close() error {
	mb, err := json.MarshalIndent(w.m, "", "  ")
	if err != nil {
		return err
	}
	sig := ed25519.Sign(w.key, mb)
	for _, f := range []struct {
		name string
		data []byte
	}{{ManifestName, mb}, {SignatureName, []byte(base64.StdEncoding.EncodeToString(sig))}} {
		fw, err := w.z.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: w.m.CreatedAt})
		if err != nil {
			return err
		}
		if _, err := fw.Write(f.data); err != nil {
			return err
		}
	}
	return w.z.Close()
}

// Package is a verified package: its manifest and its files' bytes.
type Package struct {
	Manifest Manifest
	files    map[string][]byte
}

// File returns the bytes of a file named by the manifest.
func (p *Package) File(name string) ([]byte, bool) {
	b, ok := p.files[name]
	return b, ok
}

// Entries returns the manifest's entries of entity, in manifest order.
func (p *Package) Entries(entity string) []FileEntry {
	var out []FileEntry
	for _, f := range p.Manifest.Files {
		if f.Entity == entity {
			out = append(out, f)
		}
	}
	return out
}

// Read reads and verifies a package: the archive, the manifest's format
// and version, the signature, then each file's hash in manifest order.
// The first problem found is returned as a *Problem naming the file.
func Read(data []byte) (*Package, error) {
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, &Problem{Kind: BadArchive}
	}
	raw := map[string][]byte{}
	for _, f := range z.File {
		if _, dup := raw[f.Name]; dup {
			return nil, &Problem{Kind: BadArchive, File: f.Name}
		}
		rc, err := f.Open()
		if err != nil {
			return nil, &Problem{Kind: BadArchive, File: f.Name}
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			// A changed byte in a deflated file usually breaks its CRC:
			// the file is named as not matching.
			return nil, &Problem{Kind: BadHash, File: f.Name}
		}
		raw[f.Name] = b
	}
	mb, ok := raw[ManifestName]
	if !ok {
		return nil, &Problem{Kind: BadArchive, File: ManifestName}
	}
	var m Manifest
	if err := json.Unmarshal(mb, &m); err != nil || m.Format != Format {
		return nil, &Problem{Kind: BadManifest, File: ManifestName}
	}
	if m.Version != Version {
		return nil, &Problem{Kind: BadManifest, File: ManifestName}
	}
	pub, err := base64.StdEncoding.DecodeString(m.PublicKey)
	sig, err2 := base64.StdEncoding.DecodeString(string(bytes.TrimSpace(raw[SignatureName])))
	if err != nil || err2 != nil || len(pub) != ed25519.PublicKeySize ||
		Fingerprint(pub) != m.KeyFingerprint || !ed25519.Verify(pub, mb, sig) {
		return nil, &Problem{Kind: BadSignature, File: SignatureName}
	}
	named := map[string]bool{ManifestName: true, SignatureName: true}
	for _, f := range m.Files {
		named[f.Name] = true
		b, ok := raw[f.Name]
		if !ok {
			return nil, &Problem{Kind: MissingFile, File: f.Name}
		}
		sum := sha256.Sum256(b)
		if hex.EncodeToString(sum[:]) != f.SHA256 || int64(len(b)) != f.Size {
			return nil, &Problem{Kind: BadHash, File: f.Name}
		}
	}
	var extra []string
	for n := range raw {
		if !named[n] {
			extra = append(extra, n)
		}
	}
	if len(extra) > 0 {
		sort.Strings(extra)
		return nil, &Problem{Kind: ExtraFile, File: extra[0]}
	}
	return &Package{Manifest: m, files: raw}, nil
}

// AsProblem returns err's *Problem, if it is one.
func AsProblem(err error) (*Problem, bool) {
	var p *Problem
	ok := errors.As(err, &p)
	return p, ok
}

// FileName is the archive name of file bytes with the given hex SHA-256.
func FileName(sha string) string { return "files/" + sha }
