/**
 * GET /api/jurisdiction: the district, its townships (with their government seats) and villages,
 * and the bounding box incident locations must fall in. The server reads it from the
 * jurisdiction folder (JURISDICTION_DIR); the app's pickers and the incident form use it.
 */
import { z } from 'zod';

/** A WGS84 position as [longitude, latitude]. */
export const LonLatSchema = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);

export const VillageSchema = z.object({ code: z.string(), name: z.string(), kind: z.string() });
export type Village = z.infer<typeof VillageSchema>;

export const TownshipSchema = z.object({
	/** The 9-digit statistical code, e.g. "510812100". */
	code: z.string(),
	name: z.string(),
	kind: z.string(),
	/** The township government's seat (镇政府驻地) in WGS84, when the data has one. */
	seat: LonLatSchema.nullable(),
	villages: z.array(VillageSchema)
});
export type Township = z.infer<typeof TownshipSchema>;

/** [minLon, minLat, maxLon, maxLat] of the district boundary, widened by a margin. */
export const BboxSchema = z.tuple([z.number(), z.number(), z.number(), z.number()]);
export type Bbox = z.infer<typeof BboxSchema>;

export const JurisdictionSchema = z.object({
	/** The district's name, as `district.name`. */
	name: z.string(),
	district: z.object({ code: z.string(), name: z.string() }),
	bbox: BboxSchema,
	townships: z.array(TownshipSchema)
});
export type Jurisdiction = z.infer<typeof JurisdictionSchema>;

export function insideBbox(j: { bbox: Bbox }, [lon, lat]: readonly [number, number]): boolean {
	return lon >= j.bbox[0] && lat >= j.bbox[1] && lon <= j.bbox[2] && lat <= j.bbox[3];
}
