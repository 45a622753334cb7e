// The client's texts in English and Chinese, and the language choice (switch, ?lang=, browser).

const STORAGE_KEY = 'parley.lang';
export const LANGUAGES = ['en', 'zh'];

const TEXTS = {
  en: {
    appName: 'Parley',
    balance: 'Tokens',
    language: 'Language',
    persona: 'Persona',
    newChat: 'New chat',
    recentChats: 'Recent chats',
    noChats: 'No chats yet. Pick a persona and start one.',
    noMessages: 'No messages yet. Say hello!',
    pickChat: 'Pick a chat on the left, or start a new one.',
    chatsStale: 'Could not refresh the chat list; showing the last one we had.',
    messageLabel: 'Your message',
    placeholder: 'Write a message… (Enter to send, Shift+Enter for a new line)',
    send: 'Send',
    retry: 'Retry',
    reload: 'Reload',
    retryIn: 'Retry possible in {seconds} s',
    typing: '{name} is typing…',
    someone: 'The persona',
    you: 'You',
    failed: 'Not answered',
    sending: 'Sending…',
    retrying: 'Retrying…',
    requestId: 'Request id',
    devPanel: 'Developer tools',
    devForceError: 'X-Debug-Force-Error for the next request',
    loading: 'Loading…',
    untitled: 'Chat with {name}',
    seconds: '{n} s',
    signedInAs: 'Signed in as',
    signOut: 'Sign out',
    signInTitle: 'Sign in to Parley',
    signInName: 'Your name',
    signInHint: '1–64 characters: letters, digits, dot (.), underscore (_) or hyphen (-).',
    signIn: 'Sign in',
    signingIn: 'Signing in…',
    signInEmpty: 'Enter your name to sign in.',
    signInInvalid: 'Use only letters, digits, dot, underscore or hyphen (no spaces), at most 64 characters.',
    sessionEnded: 'Your session has ended. Sign in again to continue: your draft and the open chat are kept.',
    signedOut: 'You have signed out.',
    signInUnavailable: 'Signing in with a name is turned off on this server. Sign-in has to come from the operator’s identity provider: this page cannot issue tokens itself. Ask your operator how to sign in.',
  },
  zh: {
    appName: 'Parley',
    balance: '代币',
    language: '语言',
    persona: '角色',
    newChat: '新对话',
    recentChats: '最近的对话',
    noChats: '还没有对话。选择一个角色开始吧。',
    noMessages: '还没有消息。打个招呼吧！',
    pickChat: '请在左侧选择一个对话，或开始新的对话。',
    chatsStale: '无法刷新对话列表，显示的是上次获取的列表。',
    messageLabel: '你的消息',
    placeholder: '输入消息…（Enter 发送，Shift+Enter 换行）',
    send: '发送',
    retry: '重试',
    reload: '重新加载',
    retryIn: '{seconds} 秒后可重试',
    typing: '{name} 正在输入…',
    someone: '角色',
    you: '你',
    failed: '未获回复',
    sending: '发送中…',
    retrying: '正在重试…',
    requestId: '请求编号',
    devPanel: '开发者工具',
    devForceError: '下一次请求的 X-Debug-Force-Error',
    loading: '加载中…',
    untitled: '与 {name} 的对话',
    seconds: '{n} 秒',
    signedInAs: '当前用户',
    signOut: '退出登录',
    signInTitle: '登录 Parley',
    signInName: '用户名',
    signInHint: '1–64 个字符：字母、数字、点（.）、下划线（_）或连字符（-）。',
    signIn: '登录',
    signingIn: '正在登录…',
    signInEmpty: '请输入用户名以登录。',
    signInInvalid: '只能使用字母、数字、点、下划线或连字符（不能有空格），最多 64 个字符。',
    sessionEnded: '登录已失效。请重新登录以继续：草稿和当前对话都会保留。',
    signedOut: '你已退出登录。',
    signInUnavailable: '此服务器已关闭用户名登录。登录必须通过运营方的身份提供商完成，本页面无法自行签发令牌。请向运营方咨询登录方式。',
  },
};

// One title and one fallback text per error code: the fallback is shown when the server gave no
// detail in the current language (or no problem at all).
const ERRORS = {
  en: {
    VALIDATION_FAILED: ['Message not accepted', 'Something in the request is not valid. Check it and send again.'],
    UNAUTHENTICATED: ['Signed out', 'Your session has ended. Sign in again to continue.'],
    INSUFFICIENT_TOKENS: ['Out of tokens', 'Your balance is too low for a reply. Top it up, then send again.'],
    CHAT_NOT_FOUND: ['Chat not found', 'This chat does not exist or is not yours. Reload to see your chats.'],
    REQUEST_IN_PROGRESS: ['Still answering', 'This message is still being answered; the reply will appear.'],
    IDEMPOTENCY_KEY_REUSED: ['Message conflict', 'This retry does not match the original message. Reload and send it as a new one.'],
    MODERATION_BLOCKED: ['Message blocked', 'This message breaks the content rules. Rephrase it and send it again.'],
    AI_RATE_LIMITED: ['The AI is busy', 'The AI provider is receiving too many requests. Retry when the countdown ends.'],
    USER_RATE_LIMITED: ['Slow down', 'You are sending faster than allowed. Nothing was sent; retry when the countdown ends.'],
    AI_BAD_RESPONSE: ['Unusable answer', 'The AI provider sent a reply we could not use. Try again.'],
    AI_PROVIDER_UNAVAILABLE: ['The AI is unavailable', 'The AI provider is unavailable right now. Your message is kept; try again.'],
    CIRCUIT_OPEN: ['Chat paused', 'This chat hit several errors in a row and is paused briefly. Retry when the countdown ends.'],
    DATABASE_UNAVAILABLE: ['Storage unavailable', 'Our storage is briefly unavailable. Your message is safe; try again.'],
    AI_PROVIDER_TIMEOUT: ['The AI timed out', 'The AI provider took too long to answer. Try again.'],
    INTERNAL_ERROR: ['Unexpected error', 'Something went wrong on our side. Reload the page; if it persists, quote the request id.'],
    NOT_FOUND: ['Not found', 'There is nothing at this address. Reload the page.'],
    METHOD_NOT_ALLOWED: ['Not allowed', 'The server does not accept this request. Reload the page.'],
    NOT_ACCEPTABLE: ['Not acceptable', 'The server cannot answer in the requested format. Reload the page.'],
    UNSUPPORTED_MEDIA_TYPE: ['Unsupported format', 'The server cannot read this request. Reload the page.'],
    PAYLOAD_TOO_LARGE: ['Message too large', 'The message is too large to send. Shorten it.'],
    CLIENT_TIMEOUT: ['No answer yet', 'No reply after {seconds}. Your message is kept; try again.'],
    NETWORK_ERROR: ['Connection lost', 'Parley could not be reached. Check your connection and try again.'],
    HTTP_ERROR: ['Unexpected answer', 'The server answered with status {status} and no details. Reload the page.'],
  },
  zh: {
    VALIDATION_FAILED: ['消息未被接受', '请求中有无效内容，请检查后重新发送。'],
    UNAUTHENTICATED: ['已退出登录', '登录已失效，请重新登录后继续。'],
    INSUFFICIENT_TOKENS: ['代币不足', '你的代币余额不足以生成回复。请充值后再发送。'],
    CHAT_NOT_FOUND: ['找不到对话', '该对话不存在或不属于你。请重新加载查看你的对话。'],
    REQUEST_IN_PROGRESS: ['正在回复', '这条消息正在生成回复，回复会自动出现。'],
    IDEMPOTENCY_KEY_REUSED: ['消息冲突', '本次重试与原消息不一致。请重新加载后作为新消息发送。'],
    MODERATION_BLOCKED: ['消息被拦截', '这条消息违反内容规则。请修改后重新发送。'],
    AI_RATE_LIMITED: ['AI 繁忙', 'AI 服务请求过多，请在倒计时结束后重试。'],
    USER_RATE_LIMITED: ['请放慢速度', '你的发送速度超过了上限，消息未发送。请在倒计时结束后重试。'],
    AI_BAD_RESPONSE: ['回复无法使用', 'AI 服务返回了无法使用的回复，请重试。'],
    AI_PROVIDER_UNAVAILABLE: ['AI 暂时不可用', 'AI 服务暂时不可用。你的消息已保存，请重试。'],
    CIRCUIT_OPEN: ['对话已暂停', '该对话连续出错，已短暂暂停。请在倒计时结束后重试。'],
    DATABASE_UNAVAILABLE: ['存储暂时不可用', '存储服务暂时不可用。你的消息已保存，请重试。'],
    AI_PROVIDER_TIMEOUT: ['AI 响应超时', 'AI 服务响应超时，请重试。'],
    INTERNAL_ERROR: ['意外错误', '我们这边出了问题。请刷新页面；如果问题持续，请提供请求编号。'],
    NOT_FOUND: ['未找到', '该地址不存在，请重新加载页面。'],
    METHOD_NOT_ALLOWED: ['不允许的操作', '服务器不接受该请求，请重新加载页面。'],
    NOT_ACCEPTABLE: ['无法应答', '服务器无法以请求的格式应答，请重新加载页面。'],
    UNSUPPORTED_MEDIA_TYPE: ['格式不受支持', '服务器无法读取该请求，请重新加载页面。'],
    PAYLOAD_TOO_LARGE: ['消息过长', '消息太大，无法发送。请缩短后再试。'],
    CLIENT_TIMEOUT: ['尚未收到回复', '{seconds}后仍未收到回复。你的消息已保存，请重试。'],
    NETWORK_ERROR: ['连接中断', '无法连接到 Parley。请检查网络后重试。'],
    HTTP_ERROR: ['意外的应答', '服务器返回状态 {status}，没有更多信息。请重新加载页面。'],
  },
};

let current = 'en';

function fill(text, vars = {}) {
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

/** The language to start with: ?lang=, then the saved choice, then the browser's languages. */
export function initialLanguage(queryLang) {
  if (LANGUAGES.includes(queryLang)) return queryLang;
  const saved = localStorage.getItem(STORAGE_KEY);
  if (LANGUAGES.includes(saved)) return saved;
  const browser = navigator.languages?.length ? navigator.languages : [navigator.language || 'en'];
  for (const tag of browser) {
    const primary = String(tag).toLowerCase().split('-')[0];
    if (LANGUAGES.includes(primary)) return primary;
  }
  return 'en';
}

export function setLanguage(lang, remember = false) {
  current = LANGUAGES.includes(lang) ? lang : 'en';
  if (remember) localStorage.setItem(STORAGE_KEY, current);
  document.documentElement.lang = current === 'zh' ? 'zh-CN' : 'en';
}

export function language() {
  return current;
}

/** The Accept-Language header for the current language. */
export function acceptLanguage() {
  return current === 'zh' ? 'zh-CN,zh;q=0.9,en;q=0.5' : 'en';
}

export function t(key, vars) {
  return fill(TEXTS[current][key] ?? TEXTS.en[key] ?? key, vars);
}

export function errorTitle(code) {
  return (ERRORS[current][code] ?? ERRORS[current].HTTP_ERROR)[0];
}

export function errorFallback(code, vars) {
  return fill((ERRORS[current][code] ?? ERRORS[current].HTTP_ERROR)[1], vars);
}

/** A duration for people: "30 s", "0.3 s" / "30 秒". */
export function duration(ms) {
  const s = ms / 1000;
  const n = s >= 10 || Number.isInteger(s) ? Math.round(s) : Math.round(s * 10) / 10;
  return t('seconds', { n });
}

/** Writes the texts of every element marked data-i18n (text) or data-i18n-placeholder. */
export function translatePage(root = document) {
  root.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = t(el.dataset.i18n); });
  root.querySelectorAll('[data-i18n-placeholder]').forEach((el) => {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  });
  document.title = t('appName');
}
