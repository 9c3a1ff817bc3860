/** Published versions: immutable snapshots of $LATEST's code and configuration. */
import { randomUUID } from 'node:crypto';
import { GustError } from '../errors.ts';
import type { FunctionVersion } from './model.ts';
import { lambdaTimestamp, type Registry } from './registry.ts';

/** The parts of a version that make it different from another (what PublishVersion compares). */
const fingerprint = (v: FunctionVersion): string =>
  JSON.stringify({ ...v, version: '', lastModified: '', revisionId: '', revision: 0, description: '' });

export class Versions {
  constructor(private registry: Registry) {}

  /**
   * Publish $LATEST as a new version. As on Lambda, if $LATEST has not changed since the last
   * published version, that version is returned instead of a new one.
   */
  publish(
    name: string,
    opts: { description?: string; codeSha256?: string; revisionId?: string } = {},
  ): FunctionVersion {
    const rec = this.registry.require(name);
    const latest = rec.latest;
    if (opts.codeSha256 && opts.codeSha256 !== Buffer.from(latest.codeSha256, 'hex').toString('base64')) {
      throw new GustError(
        'GUST_INVALID_PARAMETER',
        'CodeSHA256 (' +
          opts.codeSha256 +
          ') is different from current CodeSHA256 in $LATEST. Please try again with the CodeSHA256 in $LATEST.',
      );
    }
    if (opts.revisionId && opts.revisionId !== latest.revisionId) {
      throw new GustError(
        'GUST_PRECONDITION_FAILED',
        'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
      );
    }
    const store = this.registry.store;
    const last = store.listVersions(name).at(-1);
    if (last && fingerprint(last) === fingerprint(latest)) return last;
    const now = new Date();
    const version: FunctionVersion = {
      ...latest,
      version: String(rec.settings.nextVersion),
      description: opts.description ?? latest.description,
      lastModified: lambdaTimestamp(now),
      revisionId: randomUUID(),
    };
    store.insertVersion(version);
    this.registry.saveSettings(name, { ...rec.settings, nextVersion: rec.settings.nextVersion + 1 });
    return version;
  }

  /** $LATEST followed by every published version, oldest first. */
  list(name: string): FunctionVersion[] {
    const rec = this.registry.require(name);
    return [rec.latest, ...this.registry.store.listVersions(name)];
  }

  delete(name: string, version: string): void {
    const rec = this.registry.require(name);
    if (version === '$LATEST') {
      throw new GustError('GUST_INVALID_PARAMETER', '$LATEST version cannot be deleted without deleting the function.');
    }
    const refs = this.registry.store
      .listAliases(name)
      .filter((a) => a.functionVersion === version || version in (a.routingConfig?.AdditionalVersionWeights ?? {}));
    if (refs.length) {
      throw new GustError(
        'GUST_FUNCTION_EXISTS',
        `Unable to delete version because the following aliases reference it: [${refs.map((a) => a.name).join(', ')}]`,
      );
    }
    if (!this.registry.store.deleteVersion(name, version)) {
      throw new GustError('GUST_FUNCTION_NOT_FOUND', `Function not found: ${this.registry.arn(name, version)}`);
    }
    const settings = { ...rec.settings };
    delete settings.eventInvokeConfigs[version];
    delete settings.provisioned[version];
    this.registry.saveSettings(name, settings);
    this.registry.emit({ type: 'version-deleted', name, version });
  }
}
