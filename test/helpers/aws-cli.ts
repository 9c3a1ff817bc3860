/** The AWS CLI (Debian's awscli at /usr/bin/aws) pointed at a Gust server, with throwaway credentials. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';

export const AWS_CLI = '/usr/bin/aws';

/** A `describe` skip reason when the CLI is missing, else false. */
export const skipWithoutAwsCli: string | false = fs.existsSync(AWS_CLI)
  ? false
  : 'install awscli (scripts/system-deps.sh)';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

/** `aws --endpoint-url <url> <service> <args...>` with JSON output; never rejects. */
export function awsCli(url: string, service: string, args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      AWS_CLI,
      ['--endpoint-url', url, '--region', 'us-east-1', '--output', 'json', service, ...args],
      {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          AWS_PAGER: '',
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        },
        maxBuffer: 16 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        let json: unknown;
        try {
          json = stdout.trim() ? JSON.parse(stdout) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr, json });
      },
    );
  });
}
