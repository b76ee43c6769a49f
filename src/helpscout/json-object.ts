/** A response body as a JSON object, or undefined: an error page from a proxy must not throw. */
export function parseJsonObject(body: string): object | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed !== null && typeof parsed === 'object' ? parsed : undefined;
  } catch {
    return undefined;
  }
}
