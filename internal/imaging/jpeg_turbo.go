//go:build cgo && libjpeg

package imaging

/*
#cgo LDFLAGS: -ljpeg
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <jpeglib.h>

typedef struct {
	struct jpeg_error_mgr pub;
	jmp_buf jump;
	char msg[JMSG_LENGTH_MAX];
	char warning[JMSG_LENGTH_MAX];
} ariadne_jpeg_err;

static void ariadne_error_exit(j_common_ptr cinfo) {
	ariadne_jpeg_err *e = (ariadne_jpeg_err *)cinfo->err;
	(*cinfo->err->format_message)(cinfo, e->msg);
	longjmp(e->jump, 1);
}

// Keep the first warning (corrupt or truncated data): libjpeg goes on and
// fills what is missing, as the reference's decoder does.
static void ariadne_emit_message(j_common_ptr cinfo, int level) {
	ariadne_jpeg_err *e = (ariadne_jpeg_err *)cinfo->err;
	if (level < 0 && e->warning[0] == 0) {
		(*cinfo->err->format_message)(cinfo, e->warning);
	}
	if (level < 0) cinfo->err->num_warnings++;
}

typedef struct {
	int width, height;       // stored size
	int scaled_w, scaled_h;  // decoded size
	int grid_w, grid_h;      // size of the sampled grid written to out
	int channels;            // 1 (grey) or 3 (RGB) in out
	int components;          // components in the file
	int cmyk;                // the file is CMYK or YCCK
	int progressive;
	char err[JMSG_LENGTH_MAX];
	char warning[JMSG_LENGTH_MAX];
} ariadne_jpeg_result;

// Same arithmetic as Go's color.CMYKToRGB, so both decoders agree.
static unsigned char cmyk_channel(unsigned int c, unsigned int k) {
	unsigned int w = 0xffff - k * 0x101;
	unsigned int r = (0xffff - c * 0x101) * w / 0xffff;
	return (unsigned char)(r >> 8);
}

// ariadne_jpeg_sample decodes a JPEG held in memory, one scanline at a time,
// and keeps only the pixels of the reference's nearest-neighbour grid: when
// the stored image is over max_dim on a side, the grid is max_dim x max_dim
// and cell (y,x) takes pixel (y*H/max_dim, x*W/max_dim) of the decoded
// image; otherwise the grid is the whole image. Memory is one scanline plus
// the grid, whatever the image's size.
//
// fast != 0 decodes at the smallest DCT scale (1/8, 1/4, 1/2) that keeps at
// least min_side pixels on each side, and only the luma component of
// YCbCr files.
static int ariadne_jpeg_sample(const unsigned char *data, unsigned long size,
		int fast, int min_side, int max_dim, long long max_pixels,
		unsigned char *out, ariadne_jpeg_result *res) {
	struct jpeg_decompress_struct cinfo;
	ariadne_jpeg_err jerr;
	JSAMPARRAY row = NULL;
	int *colmap = NULL;
	memset(&jerr, 0, sizeof jerr);
	cinfo.err = jpeg_std_error(&jerr.pub);
	jerr.pub.error_exit = ariadne_error_exit;
	jerr.pub.emit_message = ariadne_emit_message;
	if (setjmp(jerr.jump)) {
		strncpy(res->err, jerr.msg, sizeof res->err - 1);
		free(colmap);
		jpeg_destroy_decompress(&cinfo);
		return 1;
	}
	jpeg_create_decompress(&cinfo);
	jpeg_mem_src(&cinfo, data, size);
	jpeg_read_header(&cinfo, TRUE);
	res->width = cinfo.image_width;
	res->height = cinfo.image_height;
	res->components = cinfo.num_components;
	res->progressive = cinfo.progressive_mode;
	res->cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
	if (max_pixels > 0 && (long long)cinfo.image_width * cinfo.image_height > max_pixels) {
		snprintf(res->err, sizeof res->err, "image is %ux%u, over the limit of %lld pixels",
			cinfo.image_width, cinfo.image_height, max_pixels);
		jpeg_destroy_decompress(&cinfo);
		return 1;
	}
	int resize = (int)cinfo.image_width > max_dim || (int)cinfo.image_height > max_dim;
	if (fast && resize) {
		int denom = 8;
		while (denom > 1 &&
			((int)((cinfo.image_width + denom - 1) / denom) < min_side ||
			 (int)((cinfo.image_height + denom - 1) / denom) < min_side)) {
			denom /= 2;
		}
		cinfo.scale_num = 1;
		cinfo.scale_denom = denom;
	}
	if (fast && cinfo.jpeg_color_space == JCS_YCbCr) {
		cinfo.out_color_space = JCS_GRAYSCALE;
	}
	jpeg_start_decompress(&cinfo);
	int sw = cinfo.output_width, sh = cinfo.output_height, nc = cinfo.output_components;
	res->scaled_w = sw;
	res->scaled_h = sh;
	int gw = resize ? max_dim : sw, gh = resize ? max_dim : sh;
	res->grid_w = gw;
	res->grid_h = gh;
	res->channels = nc == 1 ? 1 : 3;
	int adobe_inverted = cinfo.saw_Adobe_marker;
	colmap = malloc(sizeof(int) * gw);
	if (colmap == NULL) {
		snprintf(res->err, sizeof res->err, "out of memory");
		jpeg_destroy_decompress(&cinfo);
		return 1;
	}
	for (int x = 0; x < gw; x++) colmap[x] = (int)((long long)x * sw / gw);
	row = (*cinfo.mem->alloc_sarray)((j_common_ptr)&cinfo, JPOOL_IMAGE, sw * nc, 1);
	int gy = 0;
	while (cinfo.output_scanline < cinfo.output_height && gy < gh) {
		int y = cinfo.output_scanline;
		int want = (int)((long long)gy * sh / gh);
		if (want > y) {
			jpeg_skip_scanlines(&cinfo, want - y);
			continue;
		}
		jpeg_read_scanlines(&cinfo, row, 1);
		// One decoded row can fill several grid rows when upsampling.
		while (gy < gh && (int)((long long)gy * sh / gh) == y) {
			unsigned char *o = out + (size_t)gy * gw * res->channels;
			const unsigned char *r = row[0];
			for (int x = 0; x < gw; x++) {
				const unsigned char *p = r + (size_t)colmap[x] * nc;
				if (nc == 1) {
					o[x] = p[0];
				} else if (nc == 3) {
					o[3*x] = p[0]; o[3*x+1] = p[1]; o[3*x+2] = p[2];
				} else {
					unsigned int c = p[0], m = p[1], yy = p[2], k = p[3];
					if (adobe_inverted) { c = 255 - c; m = 255 - m; yy = 255 - yy; k = 255 - k; }
					o[3*x] = cmyk_channel(c, k);
					o[3*x+1] = cmyk_channel(m, k);
					o[3*x+2] = cmyk_channel(yy, k);
				}
			}
			gy++;
		}
	}
	strncpy(res->warning, jerr.warning, sizeof res->warning - 1);
	jpeg_abort_decompress(&cinfo);
	jpeg_destroy_decompress(&cinfo);
	free(colmap);
	return 0;
}
// ariadne_jpeg_full decodes every scanline at full size with libjpeg's
// default settings, as djpeg does: the baseline speed benchmarks compare
// against.
static int ariadne_jpeg_full(const unsigned char *data, unsigned long size, char *err) {
	struct jpeg_decompress_struct cinfo;
	ariadne_jpeg_err jerr;
	memset(&jerr, 0, sizeof jerr);
	cinfo.err = jpeg_std_error(&jerr.pub);
	jerr.pub.error_exit = ariadne_error_exit;
	jerr.pub.emit_message = ariadne_emit_message;
	if (setjmp(jerr.jump)) {
		strncpy(err, jerr.msg, JMSG_LENGTH_MAX - 1);
		jpeg_destroy_decompress(&cinfo);
		return 1;
	}
	jpeg_create_decompress(&cinfo);
	jpeg_mem_src(&cinfo, data, size);
	jpeg_read_header(&cinfo, TRUE);
	jpeg_start_decompress(&cinfo);
	JSAMPARRAY row = (*cinfo.mem->alloc_sarray)((j_common_ptr)&cinfo, JPOOL_IMAGE,
		cinfo.output_width * cinfo.output_components, 1);
	while (cinfo.output_scanline < cinfo.output_height) {
		jpeg_read_scanlines(&cinfo, row, 1);
	}
	jpeg_finish_decompress(&cinfo);
	jpeg_destroy_decompress(&cinfo);
	return 0;
}
*/
import "C"

import (
	"errors"
	"fmt"
	"unsafe"
)

// JPEGDecoder names the JPEG decoder in use.
const JPEGDecoder = "libjpeg-turbo"

// decodeJPEG samples a JPEG through libjpeg-turbo: the reference's own
// decoder, so the exact mode gives its pixels bit for bit.
func decodeJPEG(data []byte, opts Options) (*Image, error) {
	if len(data) == 0 {
		return nil, errors.New("empty JPEG")
	}
	maxDim := opts.maxDim()
	out := C.malloc(C.size_t(maxDim * maxDim * 3))
	if out == nil {
		return nil, errors.New("out of memory")
	}
	defer C.free(out)
	var res C.ariadne_jpeg_result
	fast := 0
	if opts.Fast {
		fast = 1
	}
	rc := C.ariadne_jpeg_sample((*C.uchar)(unsafe.Pointer(&data[0])), C.ulong(len(data)),
		C.int(fast), C.int(opts.minSide()), C.int(maxDim), C.longlong(opts.MaxPixels),
		(*C.uchar)(out), &res)
	if rc != 0 {
		return nil, fmt.Errorf("corrupt or unsupported JPEG: %s", C.GoString(&res.err[0]))
	}
	gw, gh, ch := int(res.grid_w), int(res.grid_h), int(res.channels)
	img := &Image{
		Format:      JPEG,
		Width:       int(res.width),
		Height:      int(res.height),
		Progressive: res.progressive != 0,
		Warning:     C.GoString(&res.warning[0]),
	}
	switch {
	case res.cmyk != 0:
		img.ColorModel = "cmyk"
	case res.components == 1:
		img.ColorModel = "grey"
	default:
		img.ColorModel = "ycbcr"
	}
	if img.Warning != "" {
		img.Warning = "corrupt JPEG data: " + img.Warning
	}
	pix := unsafe.Slice((*byte)(out), gw*gh*ch)
	img.Luma = make([]float32, gw*gh)
	img.LumaRows, img.LumaCols = gh, gw
	fillLuma(img.Luma, pix, ch)
	return img, nil
}

// BaselineDecodeJPEG decodes a whole JPEG at full size the plain way
// (libjpeg-turbo's defaults, every scanline), for speed comparisons.
func BaselineDecodeJPEG(data []byte) error {
	if len(data) == 0 {
		return errors.New("empty JPEG")
	}
	var msg [C.JMSG_LENGTH_MAX]C.char
	if C.ariadne_jpeg_full((*C.uchar)(unsafe.Pointer(&data[0])), C.ulong(len(data)), &msg[0]) != 0 {
		return fmt.Errorf("corrupt JPEG: %s", C.GoString(&msg[0]))
	}
	return nil
}
