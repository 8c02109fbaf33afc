/** A storage layout's bucket (a registry resource ID) by name, among the buckets the function is granted. */
export function bucketsByResource(names: Readonly<Record<string, string>>): (resourceId: string) => string {
  return (resourceId) => {
    const name = names[resourceId];
    if (!name) throw new Error(`This function is not granted ${resourceId}, the bucket of the order's storage version`);
    return name;
  };
}
