// The survey card in a member's panel: each question as a row of score
// buttons (native radios in a fieldset: Tab enters the group, the arrow keys
// choose, each score named "7 out of 10"), an optional comment and Send; once
// sent, a thank-you with the points it earned. The element sends it (submit,
// data-action="survey").
import { esc, type Format } from './format.js';
import type { Survey } from './types.js';

const tag = (name: string, cls: string, html: string, attrs = '') => `<${name} class="${cls}"${attrs}>${html}</${name}>`;

function scale(q: Survey['questions'][number], f: Format): string {
  let options = '';
  for (let n = q.scale.min; n <= q.scale.max; n++) {
    // A poll's answer is its choice's index: the shopper reads and hears the choice's label.
    const choice = q.choices?.[n];
    const name = choice === undefined ? f.h('survey_score', { score: f.number(n), max: f.number(q.scale.max) }) : esc(choice);
    const shown = choice === undefined ? f.number(n) : name;
    options += `<label><input type="radio" name="${esc(q.key)}" value="${n}" aria-label="${name}" required><span aria-hidden="true">${shown}</span></label>`;
  }
  return tag('fieldset', '', tag('legend', '', esc(q.text)) + tag('div', q.choices ? 'scale choices' : 'scale', options));
}

/** `answered`: the points the answer earned, once sent (0 when it replaced an earlier answer). */
export function renderSurvey(survey: Survey | null | undefined, answered: number | undefined, f: Format): string {
  if (answered !== undefined)
    return tag(
      'section',
      'survey',
      tag('p', '', f.h(answered ? 'survey_thanks' : 'survey_updated')) + (answered ? tag('p', 'big', esc(`+${f.points(answered)}`)) : ''),
      ' role="status" tabindex="-1"',
    );
  if (!survey) return '';
  return tag(
    'section',
    'survey',
    tag('h3', '', f.h('survey_title')) +
      (survey.pointsForAnswer ? tag('p', 'muted', f.h('survey_points', { points: f.points(survey.pointsForAnswer) })) : '') +
      tag(
        'form',
        '',
        survey.questions.map((q) => scale(q, f)).join('') +
          tag('label', 'field', tag('span', '', f.h('survey_comment')) + '<textarea name="comment" maxlength="1000" rows="2"></textarea>') +
          `<button class="btn">${f.h('survey_send')}</button>`,
        ` data-action="survey"`,
      ),
  );
}
