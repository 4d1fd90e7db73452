package account

import "strings"

// Device is what a session's User-Agent says about the browser and the
// system it runs on, as people name them ("Firefox", "Windows"); empty
// when the string does not tell.
type Device struct {
	Browser, System string
}

// DeviceOf reads the browser and system from a User-Agent header. The
// order of the checks matters: Edge and Opera also say "Chrome", Chrome
// also says "Safari", Android also says "Linux".
func DeviceOf(ua string) Device {
	var d Device
	for _, b := range []struct{ token, name string }{
		{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"YaBrowser/", "Yandex Browser"}, {"Firefox/", "Firefox"},
		{"Chromium/", "Chromium"}, {"HeadlessChrome/", "Chrome"}, {"Chrome/", "Chrome"}, {"Safari/", "Safari"},
		{"curl/", "curl"},
	} {
		if strings.Contains(ua, b.token) {
			d.Browser = b.name
			break
		}
	}
	for _, s := range []struct{ token, name string }{
		{"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Android", "Android"}, {"Windows", "Windows"},
		{"Mac OS X", "macOS"}, {"CrOS", "ChromeOS"}, {"Linux", "Linux"},
	} {
		if strings.Contains(ua, s.token) {
			d.System = s.name
			break
		}
	}
	return d
}
