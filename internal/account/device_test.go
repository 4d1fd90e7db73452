package account

import "testing"

func TestDeviceOf(t *testing.T) {
	t.Parallel()
	for ua, want := range map[string]Device{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0":           {"Edge", "Windows"},
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36":                           {"Chrome", "Linux"},
		"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1": {"Safari", "iPhone"},
		"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36":                   {"Chrome", "Android"},
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 14.7; rv:133.0) Gecko/20100101 Firefox/133.0":                                                     {"Firefox", "macOS"},
		"curl/8.5.0": {"curl", ""},
		"":           {},
	} {
		if got := DeviceOf(ua); got != want {
			t.Errorf("DeviceOf(%q) = %+v, want %+v", ua, got, want)
		}
	}
}
