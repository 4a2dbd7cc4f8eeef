// A Polaris DataTable whose horizontal scroll can be used from the keyboard:
// DataTable scrolls a wide table in a container that takes no focus (axe:
// scrollable-region-focusable), so the container is made a named, focusable region.
import { useEffect, useRef, type ReactNode } from 'react';

export function ScrollableTable({ label, testId, children }: { label: string; testId: string; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const container = ref.current?.querySelector('.Polaris-DataTable__ScrollContainer');
    if (!container) return;
    container.setAttribute('tabindex', '0');
    container.setAttribute('role', 'region');
    container.setAttribute('aria-label', label);
  });
  return (
    <div ref={ref} data-testid={testId}>
      {children}
    </div>
  );
}
