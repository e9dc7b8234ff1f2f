package ffmpeg

import "bytes"

// Sniff recognises video and audio containers from their first bytes and
// returns a MIME type ("" when it is none of them). ffprobe has the last
// word on what streams a file holds.
func Sniff(head []byte) string {
	has := func(off int, sig string) bool {
		return len(head) >= off+len(sig) && string(head[off:off+len(sig)]) == sig
	}
	switch {
	case has(4, "ftyp"):
		brand := ""
		if len(head) >= 12 {
			brand = string(head[8:12])
		}
		switch {
		case brand == "M4A " || brand == "M4B ":
			return "audio/mp4"
		case bytes.HasPrefix([]byte(brand), []byte("3g")):
			return "video/3gpp"
		case brand == "qt  ":
			return "video/quicktime"
		case brand == "avif" || brand == "avis" || brand == "heic" || brand == "heix" || brand == "mif1" || brand == "msf1":
			return "" // still images in an ISO container
		}
		return "video/mp4"
	case has(0, "\x1a\x45\xdf\xa3"):
		if bytes.Contains(head, []byte("webm")) {
			return "video/webm"
		}
		return "video/x-matroska"
	case has(0, "RIFF") && has(8, "AVI "):
		return "video/x-msvideo"
	case has(0, "RIFF") && has(8, "WAVE"):
		return "audio/wav"
	case has(0, "OggS"):
		return "audio/ogg"
	case has(0, "fLaC"):
		return "audio/flac"
	case has(0, "#!AMR"):
		return "audio/amr"
	case has(0, "ID3"):
		return "audio/mpeg"
	case has(0, "FLV\x01"):
		return "video/x-flv"
	case has(0, "\x30\x26\xb2\x75\x8e\x66\xcf\x11"):
		return "video/x-ms-asf"
	case has(0, "\x00\x00\x01\xba"):
		return "video/mpeg"
	case len(head) > 188 && head[0] == 0x47 && head[188] == 0x47:
		return "video/mp2t"
	case len(head) >= 2 && head[0] == 0xff && (head[1]&0xf6 == 0xf0):
		return "audio/aac" // ADTS
	case len(head) >= 2 && head[0] == 0xff && (head[1]&0xe0 == 0xe0) && head[1]&0x06 != 0:
		return "audio/mpeg" // an MPEG audio frame header without ID3
	}
	return ""
}
