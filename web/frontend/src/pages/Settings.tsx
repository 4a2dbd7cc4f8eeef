import { ComingSoonPage } from '../components/ComingSoonPage';

export default function Settings() {
  return <ComingSoonPage section="Settings" />;
}
