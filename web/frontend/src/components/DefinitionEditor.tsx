// The editor of an earn rule or a reward, in a modal: name, on/off, the
// type's config fields, and what the kind adds (a rule's dates, a reward's
// limit). Checked with the domain's parser before it is sent.
import type { ReactNode } from 'react';
import { Banner, BlockStack, Divider, FormLayout, Modal, Text } from '@shopify/polaris';
import { CheckboxInput, TextInput } from '../forms/fields';
import { ConfigFields } from '../forms/config-fields';
import type { Form } from '../forms/useForm';
import { useI18n } from '../providers/I18nProvider';

export interface DefinitionDraft {
  id?: string;
  type: string;
  name: string;
  enabled: boolean;
  config: Record<string, unknown>;
}

export function DefinitionEditor<T extends DefinitionDraft>({
  open,
  title,
  form,
  fields,
  currency,
  digits,
  extra,
  onClose,
  onDelete,
  deleting,
}: {
  open: boolean;
  title: string;
  form: Form<T>;
  fields: Parameters<typeof ConfigFields>[0]['fields'];
  currency: string;
  digits: number;
  extra?: ReactNode;
  onClose(): void;
  onDelete?: () => void;
  deleting?: boolean;
}) {
  const { t } = useI18n();
  const unknownErrors = Object.entries(form.errors).filter(([key]) => key === '_' || key === 'type');
  return (
    <Modal
      open={open}
      onClose={onClose}
      title={title}
      primaryAction={{
        content: t('Forms.save'),
        loading: form.submitting,
        onAction: () => void form.submit().then((ok) => ok && onClose()),
      }}
      secondaryActions={[
        { content: t('Forms.cancel'), onAction: onClose },
        ...(onDelete ? [{ content: t('Forms.delete'), destructive: true, loading: deleting, onAction: onDelete }] : []),
      ]}
    >
      <Modal.Section>
        <div data-testid="definition-editor">
          <FormLayout>
            {form.formError ? <Banner tone="critical">{form.formError}</Banner> : null}
            {unknownErrors.map(([key, message]) => (
              <Banner key={key} tone="critical">
                {message}
              </Banner>
            ))}
            <TextInput form={form} path="name" label={t('Forms.name')} helpText={t('Forms.nameHelp')} maxLength={100} />
            <CheckboxInput form={form} path="enabled" label={t('Forms.enabled')} />
            <Divider />
            <Text as="h3" variant="headingSm">
              {t('Forms.details')}
            </Text>
            <ConfigFields form={form} fields={fields} currency={currency} digits={digits} />
            {extra ? (
              <BlockStack gap="300">
                <Divider />
                {extra}
              </BlockStack>
            ) : null}
          </FormLayout>
        </div>
      </Modal.Section>
    </Modal>
  );
}
