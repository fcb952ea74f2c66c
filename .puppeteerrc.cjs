// whatsapp-web.js pulls puppeteer; its install script downloads Chrome, which fails offline.
// We run the system Chromium instead (PUPPETEER_EXECUTABLE_PATH or /usr/bin/chromium).
module.exports = { skipDownload: true };
