// A stand-in database client: query(sql) answers after a delay that grows
// with the statement, and rejects statements it does not understand.
export async function query(sql, params = []) {
  const verb = sql.split(' ')[0].toUpperCase();
  await new Promise((resolve) => setTimeout(resolve, verb === 'SELECT' ? 2 : 6));
  if (!['SELECT', 'INSERT', 'UPDATE', 'DELETE'].includes(verb)) throw new Error(`syntax error at "${verb}"`);
  return { rows: params.length, verb };
}
