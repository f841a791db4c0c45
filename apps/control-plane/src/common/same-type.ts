/**
 * `true` only when A and B are assignable both ways. API response schemas assert it against the types the
 * handlers return (`const _: SameType<z.infer<typeof schema>, View> = true`), so a field added to one and not
 * the other fails the type check instead of drifting out of the OpenAPI document.
 */
export type SameType<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
