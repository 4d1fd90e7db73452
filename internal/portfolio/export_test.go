package portfolio

// ReadPaged is Read listing size engagements at a time, so that a test
// crosses pages without creating hundreds of engagements.
var ReadPaged = read
