/**
 * The one error type the template engine throws. `offset` is the index in the template text where
 * the problem starts, so the build-file loader can turn it into a line and column.
 */
export class TemplateError extends Error {
  override name = 'TemplateError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}
