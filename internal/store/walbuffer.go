package store

import (
	"fmt"
	"slices"
	"sync"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// The writer's write-ahead log goes through a VFS of our own, walVFSName:
// SQLite's unix VFS with the log file's writes gathered until SQLite
// syncs the log.
//
// SQLite writes each frame it appends to the log as two pwrite calls (the
// frame's 24-byte header, then the page), so a batch of the group commit
// that changes 45 pages made 90 system calls before its fsync — a third of
// the writer's time logging calls over HTTP (profile, issue 16). The
// frames of a commit are contiguous; gathered, they are one pwrite.
//
// Durability is unchanged. The gathered bytes are written before SQLite's
// xSync of the log returns, and the writer runs synchronous=FULL, where
// every commit syncs the log before its frames are published in the
// wal-index (walFrames, then walIndexAppend), so no reader is ever told of
// a frame still in the buffer. Any other use of the log file — a read (the
// writer reading back a frame it spilled, or a checksum rewrite), its
// size, a truncation, a file control, closing it — writes what is
// gathered first. A write that does not extend what is gathered (SQLite
// overwriting a frame of its own transaction) writes the buffer first and
// goes through as is. What a crash loses is only what was never synced:
// a transaction not yet acknowledged. openSQLite refuses the VFS on a
// connection whose synchronous is not FULL or EXTRA, and pins psow=1
// (without it SQLite pads a commit to a sector and writes the tail of
// the padding after the sync). A write that fails leaves what it did not
// write gathered, so that the commit's sync fails until it is written.
//
// What a rolled-back transaction spilled to the log is dropped when the
// log's write lock is released (dbShmLock, on the database file's
// methods): plain SQLite leaves it in the file, unused, but gathered it
// would be written later over the frames of the next writer — another
// process beside the server — and corrupt its commit.
//
// Only the log's writes are touched, and the database file's xShmLock
// and xClose: every other method is the unix VFS's own. The state
// of a gathered file is found by the address of its sqlite3_file, which
// SQLite keeps fixed while the file is open.
const walVFSName = "tandem-wal"

// walBufferMax is the most bytes gathered before they are written: 1 MiB,
// about 250 frames (a batch of the group commit writes 10–60; a larger
// transaction is written a mebibyte at a time). It is C memory of the
// writer's, touched only as far as a commit fills it.
const walBufferMax = 1 << 20

// walWriteMax is the most bytes written by one call of the unix VFS's
// xWrite: it writes at most 0x1ffff bytes a pwrite (seekAndWriteFd masks
// the length to 17 bits) and goes on after a short write, but a length
// that is a multiple of 128 KiB writes nothing and fails (SQLITE_FULL).
const walWriteMax = 31 * 4096

var walVFS struct {
	once sync.Once
	err  error

	base   uintptr                     // the unix VFS (sqlite3_vfs*)
	open   uintptr                     // its xOpen
	unixIO uintptr                     // the address of the unix io methods the log files get; 0 until a log is opened
	unix   sqlite3.Tsqlite3_io_methods // a copy of them
	io     sqlite3.Tsqlite3_io_methods // ours: the same with the log's writes gathered

	// The database files opened through the VFS get the unix methods
	// with xShmLock and xClose of ours (dbShmLock).
	dbUnixIO uintptr
	dbUnix   sqlite3.Tsqlite3_io_methods
	dbIO     sqlite3.Tsqlite3_io_methods

	mu     sync.Mutex
	files  map[uintptr]*walFile  // by the log file's sqlite3_file*
	byPath map[string][]*walFile // the open logs of a path (one a connection)
	dbs    map[uintptr]string    // a database file's sqlite3_file*: the path of its log
}

// walFile is what is gathered of one open log file: n bytes at
// buf+start (buf: C memory of walBufferMax bytes), to be written at off.
// What a failed write did not write stays gathered: the next use of the
// file writes it, and the commit's sync fails until it is written.
//
// mu is held by whoever reads or changes them: the connection of the log
// (SQLite calls one connection's methods one at a time), or another
// connection of the same path releasing the write lock (dbShmLock).
type walFile struct {
	mu    sync.Mutex
	pFile uintptr
	buf   uintptr
	start int64
	n     int64
	off   int64

	path           string // the log's, for tests
	asked, written int64  // xWrite calls SQLite made, and writes to the file they became
}

// registerWALVFS registers walVFSName once per process.
func registerWALVFS() error {
	walVFS.once.Do(func() {
		walVFS.err = registerWALVFSOnce()
	})
	return walVFS.err
}

func registerWALVFSOnce() error {
	tls := libc.NewTLS()
	base := sqlite3.Xsqlite3_vfs_find(tls, 0)
	if base == 0 {
		return fmt.Errorf("store: no default SQLite VFS")
	}
	var v sqlite3.Tsqlite3_vfs
	libc.Xmemcpy(tls, uintptr(unsafe.Pointer(&v)), base, libc.Tsize_t(unsafe.Sizeof(v)))
	name, err := libc.CString(walVFSName)
	if err != nil {
		return err
	}
	walVFS.base, walVFS.open = base, v.FxOpen
	walVFS.files, walVFS.byPath, walVFS.dbs = map[uintptr]*walFile{}, map[string][]*walFile{}, map[uintptr]string{}
	v.FzName, v.FpNext = name, 0
	v.FxOpen = cfunc(&struct {
		f func(*libc.TLS, uintptr, uintptr, uintptr, int32, uintptr) int32
	}{walOpen})
	p := libc.Xmalloc(tls, libc.Tsize_t(unsafe.Sizeof(v)))
	if p == 0 {
		return fmt.Errorf("store: out of memory registering the SQLite VFS")
	}
	libc.Xmemcpy(tls, p, uintptr(unsafe.Pointer(&v)), libc.Tsize_t(unsafe.Sizeof(v)))
	if rc := sqlite3.Xsqlite3_vfs_register(tls, p, 0); rc != sqlite3.SQLITE_OK {
		return fmt.Errorf("store: registering the SQLite VFS: code %d", rc)
	}
	return nil
}

// cfunc is a Go function as SQLite's C (transpiled to Go) calls it: the
// address of its func value. f points to a struct holding one top-level
// function, which is never collected.
func cfunc[T any](f *T) uintptr { return *(*uintptr)(unsafe.Pointer(f)) }

// Calls through SQLite's function pointers.
func callOpen(fp uintptr) func(*libc.TLS, uintptr, uintptr, uintptr, int32, uintptr) int32 {
	return *(*func(*libc.TLS, uintptr, uintptr, uintptr, int32, uintptr) int32)(unsafe.Pointer(&struct{ uintptr }{fp}))
}

func callFile(fp uintptr) func(*libc.TLS, uintptr) int32 {
	return *(*func(*libc.TLS, uintptr) int32)(unsafe.Pointer(&struct{ uintptr }{fp}))
}

func callRW(fp uintptr) func(*libc.TLS, uintptr, uintptr, int32, int64) int32 {
	return *(*func(*libc.TLS, uintptr, uintptr, int32, int64) int32)(unsafe.Pointer(&struct{ uintptr }{fp}))
}

func callTruncate(fp uintptr) func(*libc.TLS, uintptr, int64) int32 {
	return *(*func(*libc.TLS, uintptr, int64) int32)(unsafe.Pointer(&struct{ uintptr }{fp}))
}

func callInt(fp uintptr) func(*libc.TLS, uintptr, int32) int32 {
	return *(*func(*libc.TLS, uintptr, int32) int32)(unsafe.Pointer(&struct{ uintptr }{fp}))
}

func callPtr(fp uintptr) func(*libc.TLS, uintptr, uintptr) int32 {
	return *(*func(*libc.TLS, uintptr, uintptr) int32)(unsafe.Pointer(&struct{ uintptr }{fp}))
}

func callShmLock(fp uintptr) func(*libc.TLS, uintptr, int32, int32, int32) int32 {
	return *(*func(*libc.TLS, uintptr, int32, int32, int32) int32)(unsafe.Pointer(&struct{ uintptr }{fp}))
}

func callFileControl(fp uintptr) func(*libc.TLS, uintptr, int32, uintptr) int32 {
	return *(*func(*libc.TLS, uintptr, int32, uintptr) int32)(unsafe.Pointer(&struct{ uintptr }{fp}))
}

// walOpen opens a file with the unix VFS; a log file then gets our io
// methods, which gather its writes.
func walOpen(tls *libc.TLS, _ uintptr, zName, pFile uintptr, flags int32, pOutFlags uintptr) int32 {
	rc := callOpen(walVFS.open)(tls, walVFS.base, zName, pFile, flags, pOutFlags)
	if rc != sqlite3.SQLITE_OK || flags&(sqlite3.SQLITE_OPEN_WAL|sqlite3.SQLITE_OPEN_MAIN_DB) == 0 {
		return rc
	}
	var methods uintptr // the first field of every sqlite3_file
	libc.Xmemcpy(tls, uintptr(unsafe.Pointer(&methods)), pFile, libc.Tsize_t(unsafe.Sizeof(methods)))
	if methods == 0 {
		return rc
	}
	walVFS.mu.Lock()
	defer walVFS.mu.Unlock()
	if flags&sqlite3.SQLITE_OPEN_MAIN_DB != 0 {
		if walVFS.dbUnixIO == 0 {
			walVFS.dbUnixIO = methods
			walVFS.dbUnix = methodsAt(tls, methods)
			walVFS.dbIO = walVFS.dbUnix
			walVFS.dbIO.FxShmLock = cfunc(&struct {
				f func(*libc.TLS, uintptr, int32, int32, int32) int32
			}{dbShmLock})
			walVFS.dbIO.FxClose = cfunc(&struct {
				f func(*libc.TLS, uintptr) int32
			}{dbClose})
		} else if methods != walVFS.dbUnixIO {
			return rc
		}
		walVFS.dbs[pFile] = libc.GoString(zName) + "-wal"
		setMethods(tls, pFile, &walVFS.dbIO)
		return rc
	}
	if walVFS.unixIO == 0 {
		walVFS.unixIO = methods
		walVFS.unix = methodsAt(tls, methods)
		walVFS.io = walVFS.unix
		walVFS.io.FxClose = cfunc(&struct {
			f func(*libc.TLS, uintptr) int32
		}{walClose})
		walVFS.io.FxRead = cfunc(&struct {
			f func(*libc.TLS, uintptr, uintptr, int32, int64) int32
		}{walRead})
		walVFS.io.FxWrite = cfunc(&struct {
			f func(*libc.TLS, uintptr, uintptr, int32, int64) int32
		}{walWrite})
		walVFS.io.FxTruncate = cfunc(&struct {
			f func(*libc.TLS, uintptr, int64) int32
		}{walTruncate})
		walVFS.io.FxSync = cfunc(&struct {
			f func(*libc.TLS, uintptr, int32) int32
		}{walSync})
		walVFS.io.FxFileSize = cfunc(&struct {
			f func(*libc.TLS, uintptr, uintptr) int32
		}{walFileSize})
		walVFS.io.FxFileControl = cfunc(&struct {
			f func(*libc.TLS, uintptr, int32, uintptr) int32
		}{walFileControl})
	} else if methods != walVFS.unixIO {
		return rc // another kind of file (a locking style of its own): left as it is
	}
	buf := libc.Xmalloc(tls, libc.Tsize_t(walBufferMax))
	if buf == 0 {
		return rc // nothing gathered for this file
	}
	f := &walFile{pFile: pFile, buf: buf, path: libc.GoString(zName)}
	walVFS.files[pFile] = f
	walVFS.byPath[f.path] = append(walVFS.byPath[f.path], f)
	setMethods(tls, pFile, &walVFS.io)
	return rc
}

// methodsAt is a copy of the io methods' table at p (C memory).
func methodsAt(tls *libc.TLS, p uintptr) (m sqlite3.Tsqlite3_io_methods) {
	libc.Xmemcpy(tls, uintptr(unsafe.Pointer(&m)), p, libc.Tsize_t(unsafe.Sizeof(m)))
	return m
}

// setMethods makes table, a Go global that never moves, the io methods of
// the open file pFile (the first field of every sqlite3_file).
func setMethods(tls *libc.TLS, pFile uintptr, table *sqlite3.Tsqlite3_io_methods) {
	p := uintptr(unsafe.Pointer(table))
	libc.Xmemcpy(tls, pFile, uintptr(unsafe.Pointer(&p)), libc.Tsize_t(unsafe.Sizeof(p)))
}

func walFileOf(pFile uintptr) *walFile {
	walVFS.mu.Lock()
	defer walVFS.mu.Unlock()
	return walVFS.files[pFile]
}

// flush writes what is gathered of f; f.mu is held. A failed write
// leaves what it did not write gathered, for the next flush.
func (f *walFile) flush(tls *libc.TLS) int32 {
	write := callRW(walVFS.unix.FxWrite)
	for f.n > 0 {
		k := min(f.n, walWriteMax)
		f.written++
		if rc := write(tls, f.pFile, f.buf+uintptr(f.start), int32(k), f.off); rc != sqlite3.SQLITE_OK {
			return rc
		}
		f.start, f.off, f.n = f.start+k, f.off+k, f.n-k
	}
	f.start = 0
	return sqlite3.SQLITE_OK
}

// flushed runs f.flush under f.mu.
func (f *walFile) flushed(tls *libc.TLS) int32 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.flush(tls)
}

func walWrite(tls *libc.TLS, pFile, zBuf uintptr, iAmt int32, iOfst int64) int32 {
	f := walFileOf(pFile)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked++
	if f.n > 0 && iOfst == f.off+f.n && f.start+f.n+int64(iAmt) <= walBufferMax {
		libc.Xmemcpy(tls, f.buf+uintptr(f.start+f.n), zBuf, libc.Tsize_t(iAmt))
		f.n += int64(iAmt)
		return sqlite3.SQLITE_OK
	}
	if rc := f.flush(tls); rc != sqlite3.SQLITE_OK {
		return rc
	}
	if int64(iAmt) > walBufferMax/2 {
		f.written++
		return callRW(walVFS.unix.FxWrite)(tls, pFile, zBuf, iAmt, iOfst)
	}
	libc.Xmemcpy(tls, f.buf, zBuf, libc.Tsize_t(iAmt))
	f.start, f.off, f.n = 0, iOfst, int64(iAmt)
	return sqlite3.SQLITE_OK
}

func walSync(tls *libc.TLS, pFile uintptr, flags int32) int32 {
	if rc := walFileOf(pFile).flushed(tls); rc != sqlite3.SQLITE_OK {
		return rc
	}
	return callInt(walVFS.unix.FxSync)(tls, pFile, flags)
}

func walRead(tls *libc.TLS, pFile, zBuf uintptr, iAmt int32, iOfst int64) int32 {
	if rc := walFileOf(pFile).flushed(tls); rc != sqlite3.SQLITE_OK {
		return rc
	}
	return callRW(walVFS.unix.FxRead)(tls, pFile, zBuf, iAmt, iOfst)
}

func walTruncate(tls *libc.TLS, pFile uintptr, size int64) int32 {
	if rc := walFileOf(pFile).flushed(tls); rc != sqlite3.SQLITE_OK {
		return rc
	}
	return callTruncate(walVFS.unix.FxTruncate)(tls, pFile, size)
}

func walFileSize(tls *libc.TLS, pFile, pSize uintptr) int32 {
	if rc := walFileOf(pFile).flushed(tls); rc != sqlite3.SQLITE_OK {
		return rc
	}
	return callPtr(walVFS.unix.FxFileSize)(tls, pFile, pSize)
}

func walFileControl(tls *libc.TLS, pFile uintptr, op int32, pArg uintptr) int32 {
	if rc := walFileOf(pFile).flushed(tls); rc != sqlite3.SQLITE_OK {
		return rc
	}
	return callFileControl(walVFS.unix.FxFileControl)(tls, pFile, op, pArg)
}

func walClose(tls *libc.TLS, pFile uintptr) int32 {
	walVFS.mu.Lock()
	f := walVFS.files[pFile]
	delete(walVFS.files, pFile)
	walVFS.byPath[f.path] = slices.DeleteFunc(walVFS.byPath[f.path], func(g *walFile) bool { return g == f })
	if len(walVFS.byPath[f.path]) == 0 {
		delete(walVFS.byPath, f.path)
	}
	walVFS.mu.Unlock()
	f.mu.Lock()
	defer f.mu.Unlock()
	rc := f.flush(tls)
	libc.Xfree(tls, f.buf)
	f.buf, f.n = 0, 0
	if rc2 := callFile(walVFS.unix.FxClose)(tls, pFile); rc == sqlite3.SQLITE_OK {
		rc = rc2
	}
	return rc
}

// walWriteLock is the index of WAL_WRITE_LOCK among the wal-index's locks
// (xShmLock's offset).
const walWriteLock = 0

// dbShmLock is the unix xShmLock of a database file, except that
// releasing the log's write lock first drops what is still gathered of
// its logs. A transaction that ends with a COMMIT synced its log, which
// wrote everything; what is left is a rolled-back transaction's frames
// (pages it spilled), never published. Kept, they would be written later
// over the frames of whoever takes the write lock next — another
// process's commit (a command beside the server) — and replace its
// pages. Only the holder of the write lock gathers, so every log of the
// path but the releaser's is empty.
func dbShmLock(tls *libc.TLS, pFile uintptr, ofst, n, flags int32) int32 {
	if flags&sqlite3.SQLITE_SHM_UNLOCK != 0 && ofst <= walWriteLock && walWriteLock < ofst+n {
		walVFS.mu.Lock()
		logs := slices.Clone(walVFS.byPath[walVFS.dbs[pFile]])
		walVFS.mu.Unlock()
		for _, f := range logs {
			f.mu.Lock()
			f.start, f.n = 0, 0
			f.mu.Unlock()
		}
	}
	return callShmLock(walVFS.dbUnix.FxShmLock)(tls, pFile, ofst, n, flags)
}

func dbClose(tls *libc.TLS, pFile uintptr) int32 {
	walVFS.mu.Lock()
	delete(walVFS.dbs, pFile)
	walVFS.mu.Unlock()
	return callFile(walVFS.dbUnix.FxClose)(tls, pFile)
}
