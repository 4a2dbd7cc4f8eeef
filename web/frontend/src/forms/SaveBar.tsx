import type { ReactNode } from 'react';
import { ContextualSaveBar } from '@shopify/polaris';
import { useI18n } from '../providers/I18nProvider';
import type { Form } from './useForm';

/** The admin's bar for unsaved changes: Save and Discard, shown while the form differs from what is saved. */
export function SaveBar<T>({ form }: { form: Form<T> }) {
  const { t } = useI18n();
  if (!form.dirty) return null;
  return (
    <ContextualSaveBar
      message={t('Forms.unsaved')}
      saveAction={{ content: t('Forms.save'), onAction: () => void form.submit(), loading: form.submitting }}
      discardAction={{ content: t('Forms.discard'), onAction: form.reset }}
    />
  );
}

/** A form whose changes are saved from the save bar (or Enter): the shape every settings page shares. */
export function SaveBarForm<T>({ form, testId, children }: { form: Form<T>; testId: string; children: ReactNode }) {
  return (
    <form
      data-testid={testId}
      onSubmit={(e) => {
        e.preventDefault();
        void form.submit();
      }}
    >
      <SaveBar form={form} />
      {children}
    </form>
  );
}
