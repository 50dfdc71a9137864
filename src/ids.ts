const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID string. Ids that are not UUIDs cannot exist, so lookups answer NOT_FOUND early. */
export const isUuid = (value: string): boolean => UUID.test(value);
