// The emulator's web console in Debian's firefox-esr, driven by puppeteer-core over WebDriver BiDi (Firefox speaks
// it itself: no geckodriver). Run by cli's ConsoleFirefoxIT:
//   RXIOTHUB_CONNECTION_STRING=<service connection string> \
//   node console-firefox.mjs <console URL> <device id> <telemetry payload> <desired patch JSON> <screenshot directory>
// (the connection string comes from the environment, not the arguments: process listings do not show its key).
// Signs in, sees the device on the devices page, waits for a telemetry row carrying the payload, sends the desired
// patch from the twin page and takes a screenshot of each page. Prints one "ok <step>" line per step passed and ends
// with "done"; on failure prints "failed <step>: <reason>" and exits 1. The connection string is never printed.
import puppeteer from 'puppeteer-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const FIREFOX = process.env.RXIOTHUB_FIREFOX || '/usr/bin/firefox-esr';
const TIMEOUT_MS = 30000;

const credential = process.env.RXIOTHUB_CONNECTION_STRING;
const [url, device, payload, desiredPatch, screenshots] = process.argv.slice(2);
if (!screenshots || !credential) {
  console.error('usage: RXIOTHUB_CONNECTION_STRING=<service connection string> node console-firefox.mjs'
      + ' <console URL> <device id> <telemetry payload> <desired patch JSON> <screenshot directory>');
  process.exit(2);
}
mkdirSync(screenshots, { recursive: true });

let step = 'launch';
const launch = () => puppeteer.launch({
  browser: 'firefox',
  executablePath: FIREFOX,
  headless: true,
  // The emulator's CA is issued per run and unknown to the browser: the console's pages are tested, not the
  // browser's certificate store.
  acceptInsecureCerts: true,
  defaultViewport: { width: 1280, height: 1000 },
  timeout: TIMEOUT_MS,
});

async function run(page) {
  page.setDefaultTimeout(TIMEOUT_MS);
  const pass = async (name) => {
    await page.screenshot({ path: join(screenshots, `firefox-${name}.png`) });
    console.log(`ok ${name}`);
  };
  const type = async (id, text) => {
    const field = await page.waitForSelector(`#${id}`, { visible: true });
    await field.evaluate((el) => { el.value = ''; });
    await field.type(text);
  };
  const click = async (id) => (await page.waitForSelector(`#${id}`, { visible: true })).click();
  const open = async (name) => {
    await click(`nav-${name}`);
    await page.waitForSelector(`#page-${name}`);
  };
  const awaitText = (id, text) => page.waitForFunction((i, t) => {
    const el = document.getElementById(i);
    return el !== null && el.textContent.includes(t);
  }, {}, id, text);

  step = 'sign-in';
  await page.goto(url);
  await type('credential', credential);
  await click('sign-in');
  await page.waitForSelector('#nav-devices', { visible: true });
  await pass(step);

  step = 'devices';
  await open('devices');
  await page.waitForSelector(`[data-device="${device}"]`, { visible: true });
  await pass(step);

  step = 'telemetry';
  await open('telemetry');
  await type('telemetry-device', device);
  await click('telemetry-follow');
  await page.waitForFunction((p) => [...document.querySelectorAll('#telemetry-rows tr')]
      .some((row) => row.textContent.includes(p)), {}, payload);
  await pass(step);

  step = 'twin';
  // a same-document navigation, as a click on a link to the device's twin would be
  await page.evaluate((d) => { window.location.hash = `twin/${encodeURIComponent(d)}`; }, device);
  await awaitText('twin-versions', 'desired $version');
  await type('desired-patch', desiredPatch);
  await click('desired-send');
  await awaitText('twin-patch-result', 'sent to the device');
  await pass(step);
}

let failed = false;
let browser = null;
try {
  browser = await launch();
  step = 'sign-in';
  const page = await browser.newPage();
  await run(page);
  console.log('done');
} catch (e) {
  failed = true;
  const reason = String(e && e.message ? e.message : e).split(credential).join('<connection string>');
  console.log(`failed ${step}: ${reason}`);
} finally {
  if (browser !== null) {
    await browser.close();
  }
}
process.exit(failed ? 1 : 0);
