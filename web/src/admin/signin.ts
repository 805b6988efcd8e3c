// Sign-in: POST /v1/session. Errors go next to the field they are about;
// a throttled sign-in (429) says how long to wait and keeps the button off
// until then.

import { h } from '../ui/dom';
import { ApiError, describe, request, type Session } from './api';
import { busy, formError, setFieldError, showFormError, textField } from './ui';

export function renderSignIn(root: HTMLElement, note: string | null, done: (s: Session) => void): void {
  const user = textField({ label: 'User name', name: 'user', required: true, attrs: { autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false' } });
  const password = textField({ label: 'Password', name: 'password', type: 'password', required: true, attrs: { autocomplete: 'current-password' } });
  const submit = h('button', { type: 'submit', class: 'button primary' }, 'Sign in');
  const error = formError();
  const form = h('form', { class: 'card narrow', novalidate: true }, user.wrap, password.wrap, error, submit);
  let waitTimer = 0;

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    setFieldError(user, null);
    setFieldError(password, null);
    showFormError(error);
    if (!user.input.value.trim()) {
      setFieldError(user, 'Enter your user name.');
      user.input.focus();
      return;
    }
    if (!password.input.value) {
      setFieldError(password, 'Enter your password.');
      password.input.focus();
      return;
    }
    void busy(submit, async () => {
      try {
        const r = await request<Session>('POST', '/v1/session', {
          body: { user: user.input.value.trim(), password: password.input.value },
          signIn: true,
        });
        password.input.value = '';
        done(r.body);
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) {
          setFieldError(password, 'Wrong user name or password.');
          password.input.select();
          password.input.focus();
        } else if (e instanceof ApiError && e.status === 429) {
          throttled(e.retryAfter ?? 60);
        } else {
          showFormError(error, describe(e));
          submit.focus();
        }
      }
    }).then(() => {
      if (waitTimer) submit.disabled = true; // busy() turned it back on
    });
  });

  function throttled(seconds: number): void {
    let left = Math.ceil(seconds);
    const say = () => setFieldError(password, `Too many sign-in attempts. Wait ${left} s, then try again.`);
    say();
    submit.disabled = true;
    password.input.focus();
    window.clearInterval(waitTimer);
    waitTimer = window.setInterval(() => {
      left -= 1;
      if (left > 0) return say();
      window.clearInterval(waitTimer);
      waitTimer = 0;
      submit.disabled = false;
      setFieldError(password, null);
    }, 1000);
  }

  root.replaceChildren(
    h('h1', { tabindex: '-1' }, 'Sign in'),
    ...(note ? [h('p', { class: 'note', role: 'status' }, note)] : []),
    h('p', { class: 'hint' }, 'For editors and wardens of the shelter register.'),
    form,
  );
  user.input.focus();
}
