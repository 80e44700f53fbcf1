/** `ruddervirt schema`: the build file's JSON Schema, for editors and other tools. */
import { jsonSchemaText } from '../../core/config/json-schema.js';
import { UsageError, type Command } from '../command.js';

export const schemaCommand: Command = {
  name: 'schema',
  summary: "Print the build file's JSON Schema",
  usage: `Usage: ruddervirt schema

Prints the JSON Schema (draft-07) of build files. Editors with YAML support use it for completion
and inline errors; point them at it with a first line such as
  # yaml-language-server: $schema=../schema/build.schema.json
The schema checks each field on its own; 'ruddervirt validate' also checks the rules between
fields (a NIC's subnet exists, 'from' names an earlier layer, files exist).
`,
  async run(args, io) {
    if (args.length > 0) throw new UsageError(`unexpected argument '${args[0]}'`);
    io.stdout.write(jsonSchemaText());
    return 0;
  },
};
