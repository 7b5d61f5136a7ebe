// What the app's scripts share: every item of an SDK pager, and the HTTP status a call ends with.
export async function all(pagePromise) {
  const items = [];
  for await (const item of await pagePromise) items.push(item);
  return items;
}

export async function statusOf(promise) {
  try {
    await promise;
    return 200;
  } catch (error) {
    return error.statusCode;
  }
}
