import { ComingSoonPage } from '../components/ComingSoonPage';

export default function EarnRules() {
  return <ComingSoonPage section="EarnRules" />;
}
