import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LocalStepFunctions } from '../../../infra/local/stepfunctions';

const FN = 'arn:aws:lambda:us-east-1:000000000000:function:Work';
const work = { Type: 'Task', Resource: FN, End: true };
const withState = (state: Record<string, unknown>, top: Record<string, unknown> = {}) => JSON.stringify({ StartAt: 'S', States: { S: state }, ...top });
const inlineMap = (map: Record<string, unknown>, processor: Record<string, unknown> = {}) =>
  withState({ Type: 'Map', ItemProcessor: { StartAt: 'W', States: { W: work }, ...processor }, End: true, ...map });

describe('ASL features the local Step Functions refuses at registration', () => {
  let sfn: LocalStepFunctions;

  beforeEach(() => {
    sfn = new LocalStepFunctions({ region: 'us-east-1', accountId: '000000000000', stateFile: join(mkdtempSync(join(tmpdir(), 'sfn-asl-')), 'executions.json'), invoke: async () => null });
  });
  afterEach(() => sfn.drain());

  it.each([
    ['JSONata at the top level', withState(work, { QueryLanguage: 'JSONata' }), /State machine M: QueryLanguage JSONata is not supported/],
    ['JSONata in one state', withState({ ...work, QueryLanguage: 'JSONata' }), /state "S": QueryLanguage JSONata is not supported/],
    ['Arguments (JSONata)', withState({ ...work, Arguments: { a: 1 } }), /state "S": Arguments \(a JSONata field\)/],
    ['Output (JSONata)', withState({ Type: 'Pass', Output: '{% 1 %}', End: true }), /state "S": Output \(a JSONata field\)/],
    ['Assign', withState({ Type: 'Pass', Assign: { x: 1 }, End: true }), /state "S": Assign \(workflow variables\)/],
    ['a Distributed Map', inlineMap({}, { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } }), /state "S": Map ProcessorConfig.Mode DISTRIBUTED \(Distributed Map\)/],
    ['a Map ItemReader', inlineMap({ ItemReader: { Resource: 'arn:aws:states:::s3:getObject', Parameters: {} } }), /state "S": Map ItemReader \(Distributed Map\)/],
    ['a Map ResultWriter', inlineMap({ ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: {} } }), /state "S": Map ResultWriter/],
    ['Assign inside a Map', inlineMap({}, { States: { W: { ...work, Assign: { y: 2 } } } }), /state "S > W": Assign/],
    ['task Credentials', withState({ ...work, Credentials: { RoleArn: 'arn:aws:iam::000000000000:role/x' } }), /state "S": Credentials/],
    ['TimeoutSecondsPath', withState({ ...work, TimeoutSecondsPath: '$.t' }), /state "S": TimeoutSecondsPath/],
    ['HeartbeatSecondsPath', withState({ ...work, HeartbeatSecondsPath: '$.h' }), /state "S": HeartbeatSecondsPath/],
    ['a non-Lambda resource', withState({ ...work, Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken' }), /state "S": Resource arn:aws:states:::sqs:sendMessage.waitForTaskToken/],
    ['an activity', withState({ ...work, Resource: 'arn:aws:states:us-east-1:000000000000:activity:a' }), /state "S": Resource arn:aws:states:us-east-1:000000000000:activity:a/],
  ])('refuses %s, naming the state and the feature', (_what, definition, message) => {
    expect(() => sfn.register('M', definition)).toThrow(message);
    expect(() => sfn.register('M', definition)).toThrow(/not supported by the local Step Functions/);
  });

  it('refuses two Task states of one name (the interpreter keys overrides by name)', () => {
    const twice = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Parallel', Branches: [{ StartAt: 'W', States: { W: work } }, { StartAt: 'W', States: { W: work } }], End: true } } });
    expect(() => sfn.register('M', twice)).toThrow(/state name "W" is used twice/);
  });

  it('accepts the studio’s own state machines and JSONPath written out', () => {
    const pipeline = readFileSync(resolve(__dirname, '../../../statemachines/order-pipeline.asl.json'), 'utf8').replace(/\$\{\w+\}/g, FN);
    expect(() => sfn.register('OrderPipeline', pipeline, 3600)).not.toThrow();
    expect(() => sfn.register('M', withState(work, { QueryLanguage: 'JSONPath' }))).not.toThrow();
  });
});
