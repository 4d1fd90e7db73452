package store

// SetGrowChunks makes DB.Grow write smaller transactions and statements,
// so that a test with a few rows crosses their boundaries; it returns how
// to restore them. Tests that call it must not run in parallel with
// other Grow tests.
func SetGrowChunks(chunk, rows int) (restore func()) {
	c, r := growChunk, growRows
	growChunk, growRows = chunk, rows
	return func() { growChunk, growRows = c, r }
}
