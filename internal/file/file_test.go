package file

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/tandemhq/tandem/internal/tandem"
)

func TestNewFile(t *testing.T) {
	t.Parallel()
	zip := append([]byte("PK\x03\x04"), bytes.Repeat([]byte{0}, 40)...)
	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, bytes.Repeat([]byte{0}, 40)...)
	m4a := append([]byte("\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00M4A mp42isom"), bytes.Repeat([]byte{0}, 16)...)
	cases := []struct {
		name string
		data []byte
		ct   string // "" = refused
	}{
		{"offer.pdf", []byte("%PDF-1.7\n..."), "application/pdf"},
		{"logo.png", []byte("\x89PNG\x0D\x0A\x1A\x0A...."), "image/png"},
		{"call.mp3", []byte("ID3\x03\x00\x00\x00...."), "audio/mpeg"},
		{"call.mp3", []byte{0xFF, 0xFB, 0x90, 0x00}, "audio/mpeg"},
		{"call.ogg", []byte("OggS\x00\x02......"), "audio/ogg"},
		{"call.wav", []byte("RIFF\x00\x00\x00\x00WAVEfmt "), "audio/wav"},
		{"call.m4a", m4a, "audio/mp4"},
		{"notes.txt", []byte("Referensen var nöjd."), "text/plain; charset=utf-8"},
		{"terms.docx", zip, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"prices.xls", ole, "application/vnd.ms-excel"},
		{"archive.zip", zip, ""},
		{"page.html", []byte("<!DOCTYPE html><script>alert(1)</script>"), ""},
		{"trick.pdf", []byte("<html><body>hi</body></html>"), ""},
		{"run.exe", []byte("MZ\x90\x00\x03\x00\x00\x00"), ""},
		{"movie.mp4", m4a, ""},
	}
	for _, c := range cases {
		f, err := NewFile(`C:\Users\me\`+c.name, http.DetectContentType(c.data), c.data)
		switch {
		case c.ct == "" && err == nil:
			t.Errorf("%s accepted as %s", c.name, f.ContentType)
		case c.ct == "" && fieldKeys(err)["file"] != "evidence.invalid.file_type":
			t.Errorf("%s: %v", c.name, err)
		case c.ct != "" && err != nil:
			t.Errorf("%s refused: %v", c.name, err)
		case c.ct != "" && (f.ContentType != c.ct || f.Name != c.name || f.Size != int64(len(c.data)) || len(f.SHA256) != 64):
			t.Errorf("%s: %+v", c.name, f)
		}
	}
	big := make([]byte, MaxFileSize+1)
	copy(big, "%PDF-")
	if _, err := NewFile("big.pdf", "application/pdf", big); fieldKeys(err)["file"] != "evidence.invalid.file_too_large" {
		t.Errorf("too large: %v", err)
	}
	if _, err := NewFile("big.pdf", "application/pdf", big[:MaxFileSize]); err != nil {
		t.Errorf("exactly 10 MiB: %v", err)
	}
	if _, err := NewFile("empty.txt", "text/plain; charset=utf-8", nil); fieldKeys(err)["file"] != "evidence.invalid.file_empty" {
		t.Errorf("empty: %v", err)
	}
}

func fieldKeys(err error) map[string]string {
	m := map[string]string{}
	for _, f := range tandem.FieldErrors(err) {
		m[f.Field] = string(f.Key)
	}
	return m
}
