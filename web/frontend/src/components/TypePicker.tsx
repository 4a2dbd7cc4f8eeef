// "What kind?" before a new earn rule or reward: one button per registry type.
import { BlockStack, Button, Modal } from '@shopify/polaris';

export function TypePicker({
  title,
  types,
  label,
  onPick,
  onClose,
}: {
  title: string;
  types: string[];
  label(type: string): string;
  onPick(type: string): void;
  onClose(): void;
}) {
  return (
    <Modal open onClose={onClose} title={title}>
      <Modal.Section>
        <BlockStack gap="200">
          {types.map((type) => (
            <Button key={type} fullWidth textAlign="start" onClick={() => onPick(type)}>
              {label(type)}
            </Button>
          ))}
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}
