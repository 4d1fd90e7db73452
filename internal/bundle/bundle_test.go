package bundle

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"io"
	"testing"
	"time"
)

func testKey(t *testing.T) ed25519.PrivateKey {
	t.Helper()
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
}

func writePkg(t *testing.T, key ed25519.PrivateKey) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf, key, ScopeEngagement, "inst-1", time.Date(2026, 12, 4, 6, 0, 0, 0, time.UTC))
	if err := w.Add("engagements.jsonl", "engagements", 1, []byte(`{"id":1,"title":"Support"}`+"\n")); err != nil {
		t.Fatal(err)
	}
	if err := w.Add("deliverables.jsonl", "deliverables", 2, []byte("{\"id\":1}\n{\"id\":2}\n")); err != nil {
		t.Fatal(err)
	}
	if err := w.Add(FileName("abc"), "file", 0, []byte("hello")); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestBundleRoundTrip(t *testing.T) {
	t.Parallel()
	key := testKey(t)
	p, err := Read(writePkg(t, key))
	if err != nil {
		t.Fatal(err)
	}
	if p.Manifest.Scope != ScopeEngagement || p.Manifest.Source != "inst-1" || len(p.Manifest.Files) != 3 {
		t.Fatalf("manifest %+v", p.Manifest)
	}
	if e := p.Entries("deliverables"); len(e) != 1 || e[0].Rows != 2 {
		t.Fatalf("entries %+v", e)
	}
	if b, _ := p.File("files/abc"); string(b) != "hello" {
		t.Fatalf("file %q", b)
	}
	if p.Manifest.KeyFingerprint != Fingerprint(key.Public().(ed25519.PublicKey)) {
		t.Fatal("fingerprint")
	}
}

// rewrite copies the archive, changing the bytes of one entry with fn.
func rewrite(t *testing.T, data []byte, name string, fn func([]byte) []byte) []byte {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range z.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		if f.Name == name {
			b = fn(b)
		}
		w, _ := zw.Create(f.Name)
		w.Write(b)
	}
	zw.Close()
	return buf.Bytes()
}

func TestBundleTamperedFileNamed(t *testing.T) {
	t.Parallel()
	data := rewrite(t, writePkg(t, testKey(t)), "deliverables.jsonl", func(b []byte) []byte {
		b[7] = '3'
		return b
	})
	_, err := Read(data)
	p, ok := AsProblem(err)
	if !ok || p.Kind != BadHash || p.File != "deliverables.jsonl" {
		t.Fatalf("got %v", err)
	}
}

func TestBundleTamperedManifestBadSignature(t *testing.T) {
	t.Parallel()
	data := rewrite(t, writePkg(t, testKey(t)), ManifestName, func(b []byte) []byte {
		return bytes.Replace(b, []byte("inst-1"), []byte("inst-2"), 1)
	})
	_, err := Read(data)
	if p, ok := AsProblem(err); !ok || p.Kind != BadSignature {
		t.Fatalf("got %v", err)
	}
}

func TestBundleExtraAndNotZip(t *testing.T) {
	t.Parallel()
	if _, err := Read([]byte("not a zip")); err == nil {
		t.Fatal("accepted")
	}
	data := writePkg(t, testKey(t))
	z, _ := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range z.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		w, _ := zw.Create(f.Name)
		w.Write(b)
	}
	w, _ := zw.Create("smuggled.jsonl")
	w.Write([]byte("{}"))
	zw.Close()
	_, err := Read(buf.Bytes())
	if p, ok := AsProblem(err); !ok || p.Kind != ExtraFile || p.File != "smuggled.jsonl" {
		t.Fatalf("got %v", err)
	}
}
