import { type ParseArgsConfig, parseArgs } from 'node:util';

/**
 * The command line of a script (`npm run <name> -- …`), parsed by Node's parseArgs: an unknown option or a missing
 * value ends the script with a line that names the script, the problem and where its options are written (the usage
 * at the top of scripts/<name>.ts), and exit code 2, instead of a stack trace.
 */
export function commandLine<T extends ParseArgsConfig>(name: string, config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (err) {
    if (!String((err as { code?: string }).code).startsWith('ERR_PARSE_ARGS')) throw err;
    const known = Object.keys(config.options ?? {})
      .map((o) => `--${o}`)
      .join(', ');
    console.error(`${name}: ${(err as Error).message}; its options: ${known} (usage: scripts/${name}.ts)`);
    process.exit(2);
  }
}
