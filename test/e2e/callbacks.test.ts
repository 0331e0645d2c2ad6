import * as flows from '../../dev/zap/flows';
import { useZap } from './zap';

const zap = useZap();

describe('Run Task and Wait for Result in the OAuth2 build', () => {
  it("keeps the form's Webhook Signing Secret through the OAuth2 flow and refuses forged callbacks", async () => {
    const { authData } = await flows.authorizeWithOAuth(zap());
    expect(authData.webhook_secret).toBe(zap().emulator.options.taskWebhookSecret);
    const { refusals, result } = await flows.refuseForgedCallbacks(zap(), authData);
    expect(refusals).toEqual(['a changed result', 'a guessed secret', 'no signature']);
    expect(result.result_summary).toContain('Approve the refund for order #4821');
  });
});

describe('a task cancelled while Run Task and Wait for Result waits', () => {
  it('sends the waiting step nothing, as production does, so the step waits until Zapier gives up', async () => {
    const { authData } = await flows.connectWithApiKey(zap());
    const { taskId, callbackUrl } = await flows.cancelWhileWaiting(zap(), authData);
    expect(zap().emulator.deliveries.filter((attempt) => attempt.url === callbackUrl)).toEqual([]);
    const { results } = await zap().apiKeyApp.run<{ status: string }[]>('searches.find_task.operation.perform', {
      authData,
      inputData: { task_id: taskId },
    });
    expect(results[0]?.status).toBe('cancelled');
  });
});

describe('a CodeTether server that signs subscription deliveries over json.dumps', () => {
  const pythonSigned = useZap({ subscriptionSignedBody: 'python_json_dumps' });

  it('still triggers Task Completed: the timestamp and the json.dumps form of the body are signed', async () => {
    const { authData } = await flows.connectWithApiKey(pythonSigned());
    const { subscription } = await flows.subscribe(pythonSigned(), authData, 'task_completed');
    const { task } = await flows.createTask(pythonSigned(), authData);
    const received = await flows.receiveDelivery(pythonSigned(), authData, subscription, task.id, 'completed');
    expect(received.summary).toMatch(/^task_completed: signed over timestamp and json\.dumps, accepted/);
    await flows.unsubscribe(pythonSigned(), authData, subscription);
  });
});
