import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Aspects, Stage, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SynthesisMessageLevel } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { addCarRentalStacks, type CarRentalProps, type CarRentalStacks } from '../../lib/car-rental-app';
import type { DeploymentConfig } from '../../lib/config';
import type { DataStack } from '../../lib/stacks/data-stack';

/** Synthesis helpers for the infra tests: the real cdk.json context, esbuild bundling skipped. */

const cdkJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as {
  context: Record<string, unknown>;
};

export const prodConfig: DeploymentConfig = {
  stage: 'prod',
  corsOrigins: ['https://app.example.com'],
  cognitoThreatProtection: false,
  paymentGateways: 'sandbox',
};

/** An app with cdk.json's context; an empty bundling-stacks list makes NodejsFunction skip esbuild (tests stay fast and offline). */
export const testApp = (): App => new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });

export interface Synthesised {
  stacks: CarRentalStacks;
  /** The data stack (CarRentalStack, the one-stack app's id): tables, queues, database, pool, bucket... */
  stack: DataStack;
  /** Its template (it imports nothing). */
  template: Template;
  /** The functions stack's template, cross-stack imports resolved (see `templateOf`). */
  functions: Template;
  /** The first API version's stack template, imports resolved. */
  api: Template;
  /** The monitoring stack's template, imports resolved. */
  monitoring: Template;
  /**
   * A stack's template with each `Fn::ImportValue` replaced by the value its producer exports (e.g.
   * `{ Ref: <table logical id> }` of the data stack), so assertions read a reference the same whichever
   * stack holds the resource. An import that no stack of the app exports fails here.
   */
  templateOf: (stack: Stack) => Template;
}

/** Every export of the app's stacks: name -> the value it exports, in its producer's terms. */
const exportsOf = (stacks: readonly Stack[]): Map<string, unknown> => {
  const exported = new Map<string, unknown>();
  for (const stack of stacks) {
    const outputs = (Template.fromStack(stack).toJSON().Outputs ?? {}) as Record<string, { Value: unknown; Export?: { Name: unknown } }>;
    for (const output of Object.values(outputs)) {
      if (typeof output.Export?.Name === 'string') exported.set(output.Export.Name, output.Value);
    }
  }
  return exported;
};

const resolveImports = (value: unknown, exported: Map<string, unknown>): unknown => {
  if (Array.isArray(value)) return value.map((v) => resolveImports(v, exported));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  if (entries.length === 1 && entries[0][0] === 'Fn::ImportValue') {
    const name = entries[0][1];
    if (typeof name !== 'string' || !exported.has(name))
      throw new Error(`import ${JSON.stringify(name)} is exported by no stack of the app`);
    return exported.get(name);
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolveImports(v, exported)]));
};

export const synthStack = (
  overrides: Partial<Omit<CarRentalProps, 'config'>> & {
    config?: Partial<DeploymentConfig>;
    /** Apply AwsSolutionsChecks, as bin/app.ts does. */
    nag?: boolean;
    /** Add resources to the stacks before synthesis (negative controls). */
    extend?: (stacks: CarRentalStacks) => void;
  } = {},
): Synthesised => {
  const { config, nag, extend, ...rest } = overrides;
  const app = testApp();
  const stacks = addCarRentalStacks(app, { ...rest, config: { ...prodConfig, ...config } });
  extend?.(stacks);
  if (nag) Aspects.of(app).add(new AwsSolutionsChecks());
  let exported: Map<string, unknown> | undefined;
  const templateOf = (stack: Stack) => {
    exported ??= exportsOf(stacks.all);
    return Template.fromJSON(resolveImports(Template.fromStack(stack).toJSON(), exported) as Record<string, unknown>, {
      skipCyclicalDependenciesCheck: true, // references to the producer's logical ids are not resources of this template
    });
  };
  return {
    stacks,
    stack: stacks.data,
    template: Template.fromStack(stacks.data),
    functions: templateOf(stacks.functions),
    api: templateOf(Object.values(stacks.apis)[0]),
    monitoring: templateOf(stacks.monitoring),
    templateOf,
  };
};

/**
 * cdk-nag AwsSolutions errors and warnings left unfixed and unsuppressed in any stack of the app, as readable lines.
 * Read from the app's one synthesis: `Annotations.fromStack` synthesises the whole app again (forced) for
 * each stack it is given, five full syntheses per call.
 */
export const nagFindings = ({ stacks }: Pick<Synthesised, 'stacks'>): string[] => {
  const assembly = stacks.data.node.root instanceof Stage ? stacks.data.node.root.synth() : undefined;
  if (!assembly) throw new Error('unexpected: the stacks are not part of an app');
  return stacks.all.flatMap((stack) =>
    assembly
      .getStackArtifact(stack.artifactId)
      .messages.filter(
        (m) =>
          (m.level === SynthesisMessageLevel.ERROR || m.level === SynthesisMessageLevel.WARNING) &&
          /AwsSolutions-/.test(String(m.entry.data)),
      )
      .map((m) => `${stack.stackName} ${m.id}: ${String(m.entry.data).split('\n')[0]}`),
  );
};

/** Resources of one type, as [logicalId, properties] pairs. */
export const resourcesOf = (template: Template, type: string): Array<[string, Record<string, any>]> =>
  Object.entries(template.findResources(type)).map(([id, r]) => [id, (r as { Properties: Record<string, any> }).Properties]);

/** The logical id of the one resource of `type` whose properties match `props`. */
export const logicalIdOf = (template: Template, type: string, props: Record<string, unknown>): string => {
  const ids = Object.keys(template.findResources(type, { Properties: props }));
  if (ids.length !== 1) throw new Error(`expected one ${type} matching ${JSON.stringify(props)}, found ${ids.length}`);
  return ids[0];
};
