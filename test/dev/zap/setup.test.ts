import { startZap } from '../../../dev/zap/setup';

describe('startZap', () => {
  it('closes the emulator it started when the apps cannot be built, and passes the error on', async () => {
    let emulatorUrl = '';
    const failingBuild = (url: string) => {
      emulatorUrl = url;
      throw new Error('the build does not compile');
    };
    await expect(startZap(failingBuild)).rejects.toThrow('the build does not compile');
    expect(emulatorUrl).not.toBe('');
    await expect(fetch(`${emulatorUrl}/v1/automation`)).rejects.toThrow();
  });
});
