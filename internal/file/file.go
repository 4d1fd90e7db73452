// Package file checks uploaded files (deliverable attachments, evidence on
// candidate partners, NDA documents): which types may be stored, how large,
// and under which name. The files themselves are kept in the database, so
// that several Tandem instances share them and a handover package carries
// them.
package file

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// MaxFileSize is the largest file that may be attached: 10 MiB.
const MaxFileSize = 10 << 20

// File is an uploaded file kept in the database.
type File struct {
	ID          int64
	WorkspaceID int64
	Name        string
	ContentType string
	Size        int64
	SHA256      string // hex
	Data        []byte
	CreatedAt   time.Time
	CreatedBy   int64 // user id; 0 for the system
}

// officeTypes maps the extensions of office documents to their types. The
// OOXML and OpenDocument formats are zip archives and the legacy ones OLE2
// compound files: neither can be told apart by content alone, so the name
// decides which of these a file is, and only when its content matches.
var officeTypes = map[string]string{
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".odt":  "application/vnd.oasis.opendocument.text",
	".ods":  "application/vnd.oasis.opendocument.spreadsheet",
	".odp":  "application/vnd.oasis.opendocument.presentation",
	".doc":  "application/msword",
	".xls":  "application/vnd.ms-excel",
	".ppt":  "application/vnd.ms-powerpoint",
}

// sniffedAllowed are the content types, as http.DetectContentType names
// them, that may be stored as they are.
var sniffedAllowed = map[string]bool{
	"application/pdf":           true,
	"image/png":                 true,
	"image/jpeg":                true,
	"image/gif":                 true,
	"image/webp":                true,
	"audio/mpeg":                true,
	"application/ogg":           true,
	"audio/wave":                true,
	"text/plain; charset=utf-8": true,
}

var ole2Magic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// FileType decides the type a file is stored and served with, from its name,
// its content and the type sniffed from the content (by the adapter, with
// http.DetectContentType). Only PDF, images, audio (mp3, ogg, wav, m4a),
// plain text and office documents are accepted; ok is false for anything
// else (HTML, scripts, executables, archives).
func FileType(name, sniffed string, data []byte) (contentType string, ok bool) {
	ext := strings.ToLower(path.Ext(name))
	switch {
	case sniffed == "application/zip" && strings.HasPrefix(officeTypes[ext], "application/vnd.o"):
		return officeTypes[ext], true
	case bytes.HasPrefix(data, ole2Magic) && (ext == ".doc" || ext == ".xls" || ext == ".ppt"):
		return officeTypes[ext], true
	case sniffed == "video/mp4" && ext == ".m4a":
		return "audio/mp4", true
	case sniffed == "application/ogg":
		return "audio/ogg", true
	case sniffed == "audio/wave":
		return "audio/wav", true
	case sniffed == "application/octet-stream" && ext == ".mp3" && len(data) > 1 && data[0] == 0xFF && data[1]&0xE0 == 0xE0:
		return "audio/mpeg", true // an MP3 frame without an ID3 tag
	case sniffed == "text/plain; charset=utf-8":
		if !utf8.Valid(data) {
			return "", false
		}
		return sniffed, true
	case sniffedAllowed[sniffed]:
		return sniffed, true
	}
	return "", false
}

// NewFile checks an upload and returns it as a File: the name is reduced to
// its base, the size must be 1 byte to 10 MiB, and the type one FileType
// accepts. Errors are field errors on "file".
func NewFile(name, sniffed string, data []byte) (*File, error) {
	name = strings.TrimSpace(path.Base(strings.ReplaceAll(name, `\`, "/")))
	if name == "." || name == "/" {
		name = ""
	}
	var v tandem.Validator
	switch {
	case len(data) == 0:
		v.Add("file", i18n.K("evidence.invalid.file_empty"))
	case len(data) > MaxFileSize:
		v.Add("file", i18n.K("evidence.invalid.file_too_large"), "max", MaxFileSize>>20)
	}
	ct, ok := FileType(name, sniffed, data)
	if len(data) > 0 && !v.Has("file") {
		v.Check(ok, "file", i18n.K("evidence.invalid.file_type"))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if name == "" {
		name = "file"
	}
	if utf8.RuneCountInString(name) > 200 {
		r := []rune(name)
		name = string(r[len(r)-200:])
	}
	sum := sha256.Sum256(data)
	return &File{Name: name, ContentType: ct, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), Data: data}, nil
}
