//go:build cgo && libheif

package imaging

/*
#cgo pkg-config: libheif
#include <stdlib.h>
#include <string.h>
#include <libheif/heif.h>

typedef struct {
	int width, height;   // of the primary image, as displayed
	int images;          // top-level images in the file
	int has_alpha;
	int luma_bits;
	unsigned char *exif; size_t exif_len; // malloc'd, the caller frees
	unsigned char *xmp; size_t xmp_len;
	char err[256];
} ariadne_heif_info;

// ariadne_heif_block copies the first metadata block of a type (and, for
// "mime", a content type) of the primary image, at most 16 MiB.
static void ariadne_heif_block(struct heif_image_handle *h, const char *type, const char *content,
		unsigned char **out, size_t *len) {
	heif_item_id ids[8];
	int n = heif_image_handle_get_list_of_metadata_block_IDs(h, type, ids, 8);
	for (int i = 0; i < n; i++) {
		if (content && strcmp(heif_image_handle_get_metadata_content_type(h, ids[i]), content) != 0) continue;
		size_t size = heif_image_handle_get_metadata_size(h, ids[i]);
		if (size == 0 || size > (16u << 20)) return;
		unsigned char *b = malloc(size);
		if (!b) return;
		struct heif_error e = heif_image_handle_get_metadata(h, ids[i], b);
		if (e.code != heif_error_Ok) { free(b); return; }
		*out = b; *len = size;
		return;
	}
}

static void ariadne_heif_err(ariadne_heif_info *info, struct heif_error e) {
	strncpy(info->err, e.message ? e.message : "unknown error", sizeof(info->err) - 1);
	info->err[sizeof(info->err) - 1] = 0;
}

// ariadne_heif_sample decodes the primary image of a HEIF file held in
// memory to 8-bit RGB (libheif applies irot and imir) and samples it to
// grid_w x grid_h by nearest neighbour into out (grid_w*grid_h*3 bytes).
// Images of more than max_pixels (when > 0) are refused before decoding.
static int ariadne_heif_sample(const void *data, size_t size, long long max_pixels, int max_dim,
		unsigned char *out, int *grid_w, int *grid_h, ariadne_heif_info *info) {
	memset(info, 0, sizeof(*info));
	struct heif_context *ctx = heif_context_alloc();
	if (!ctx) { strcpy(info->err, "out of memory"); return 1; }
	int rc = 1;
	struct heif_image_handle *h = NULL;
	struct heif_image *img = NULL;
	struct heif_error e = heif_context_read_from_memory_without_copy(ctx, data, size, NULL);
	if (e.code != heif_error_Ok) { ariadne_heif_err(info, e); goto done; }
	info->images = heif_context_get_number_of_top_level_images(ctx);
	e = heif_context_get_primary_image_handle(ctx, &h);
	if (e.code != heif_error_Ok) { ariadne_heif_err(info, e); goto done; }
	info->width = heif_image_handle_get_width(h);
	info->height = heif_image_handle_get_height(h);
	info->has_alpha = heif_image_handle_has_alpha_channel(h);
	info->luma_bits = heif_image_handle_get_luma_bits_per_pixel(h);
	ariadne_heif_block(h, "Exif", NULL, &info->exif, &info->exif_len);
	ariadne_heif_block(h, "mime", "application/rdf+xml", &info->xmp, &info->xmp_len);
	if (info->width <= 0 || info->height <= 0) { strcpy(info->err, "no image size"); goto done; }
	if (max_pixels > 0 && (long long)info->width * info->height > max_pixels) { rc = 2; goto done; }
	e = heif_decode_image(h, &img, heif_colorspace_RGB, heif_chroma_interleaved_RGB, NULL);
	if (e.code != heif_error_Ok) { ariadne_heif_err(info, e); goto done; }
	int stride = 0;
	const uint8_t *p = heif_image_get_plane_readonly(img, heif_channel_interleaved, &stride);
	int w = heif_image_get_width(img, heif_channel_interleaved);
	int hh = heif_image_get_height(img, heif_channel_interleaved);
	if (!p || w <= 0 || hh <= 0) { strcpy(info->err, "decoded image has no RGB plane"); goto done; }
	info->width = w; info->height = hh;
	int gw = w, gh = hh;
	if (w > max_dim || hh > max_dim) { gw = max_dim; gh = max_dim; }
	for (int gy = 0; gy < gh; gy++) {
		const uint8_t *row = p + (size_t)((long long)gy * hh / gh) * stride;
		for (int gx = 0; gx < gw; gx++) {
			const uint8_t *px = row + (size_t)((long long)gx * w / gw) * 3;
			unsigned char *o = out + ((size_t)gy * gw + gx) * 3;
			o[0] = px[0]; o[1] = px[1]; o[2] = px[2];
		}
	}
	*grid_w = gw; *grid_h = gh;
	rc = 0;
done:
	if (img) heif_image_release(img);
	if (h) heif_image_handle_release(h);
	heif_context_free(ctx);
	return rc;
}
*/
import "C"

import (
	"errors"
	"fmt"
	"unsafe"

	"github.com/ariadne-vid/ariadne/internal/metadata"
)

// HEIFDecoder names the HEIF decoder in use.
var HEIFDecoder = "libheif " + C.GoString(C.heif_get_version())

// decodeHEIF decodes the primary image of a HEIC, AVIF or other HEIF file
// through libheif (LGPL, linked dynamically).
func decodeHEIF(f Format, data []byte, opts Options) (*Image, error) {
	if len(data) == 0 {
		return nil, fmt.Errorf("empty %s", f)
	}
	maxDim := opts.maxDim()
	out := C.malloc(C.size_t(maxDim * maxDim * 3))
	if out == nil {
		return nil, errors.New("out of memory")
	}
	defer C.free(out)
	var info C.ariadne_heif_info
	var gw, gh C.int
	rc := C.ariadne_heif_sample(unsafe.Pointer(&data[0]), C.size_t(len(data)), C.longlong(opts.maxPixels()), C.int(maxDim),
		(*C.uchar)(out), &gw, &gh, &info)
	meta, metaErr := heifMetadata(&info)
	switch rc {
	case 0:
	case 2:
		return nil, fmt.Errorf("%s is %dx%d, over the limit of %d pixels", f, int(info.width), int(info.height), opts.maxPixels())
	default:
		return nil, fmt.Errorf("corrupt or unsupported %s (%s): %s", f, HEIFDecoder, C.GoString(&info.err[0]))
	}
	img := &Image{Format: f, Width: int(info.width), Height: int(info.height), ColorModel: "ycbcr", Metadata: meta}
	if metaErr != nil {
		img.Warning = "metadata: " + metaErr.Error()
	}
	if info.has_alpha != 0 {
		img.ColorModel = "ycbcr+alpha" // alpha ignored, as for every format
	}
	if n := int(info.images); n > 1 {
		img.Animated = true
		img.Warning = fmt.Sprintf("%d images in the file; the primary one hashed", n)
	}
	if bits := int(info.luma_bits); bits > 8 {
		img.Warning = joinNote(img.Warning, fmt.Sprintf("%d-bit image decoded to 8 bits", bits))
	}
	pix := unsafe.Slice((*byte)(out), int(gw)*int(gh)*3)
	img.LumaRows, img.LumaCols = int(gh), int(gw)
	img.Luma = make([]float32, int(gw)*int(gh))
	fillLuma(img.Luma, pix, 3)
	return img, nil
}

// heifMetadata reads the EXIF and XMP blocks libheif found, and frees
// them. HEIF's EXIF block starts with the offset of its TIFF header.
func heifMetadata(info *C.ariadne_heif_info) (*metadata.Metadata, error) {
	m := &metadata.Metadata{}
	var err error
	if info.exif != nil {
		b := C.GoBytes(unsafe.Pointer(info.exif), C.int(info.exif_len))
		C.free(unsafe.Pointer(info.exif))
		if len(b) >= 4 {
			skip := uint64(b[0])<<24 | uint64(b[1])<<16 | uint64(b[2])<<8 | uint64(b[3])
			if skip+4 <= uint64(len(b)) {
				err = m.FromEXIF(b[4+skip:])
			}
		}
	}
	if info.xmp != nil {
		m.FromXMP(C.GoBytes(unsafe.Pointer(info.xmp), C.int(info.xmp_len)))
		C.free(unsafe.Pointer(info.xmp))
	}
	return m, err
}
